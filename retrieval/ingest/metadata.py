"""Read a plan's own header: number (Số: 03/NQ-CP), date (ngày … tháng … năm …), issuer,
document type and title, and administrative level — the manifest entry `planbot add` writes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_NUMBER = re.compile(r"^\s*Số\s*[:.]?\s*(\S.*?)\s*$", re.IGNORECASE)
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
DOC_TYPES = (  # document types as printed above the title
    "KẾ HOẠCH",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG",
    "CHƯƠNG TRÌNH",
    "NGHỊ QUYẾT",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "HƯỚNG DẪN",
    "ĐỀ ÁN",
    "THÔNG BÁO",
    "CÔNG VĂN",
)
_SKIP = ("CỘNG HÒA", "CỘNG HOÀ", "ĐỘC LẬP", "Độc lập")
_ISSUER = re.compile(
    r"^(CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|BỘ\s+.+|ỦY BAN NHÂN DÂN.+|UỶ BAN NHÂN DÂN.+|UBND.+|"
    r"SỞ\s+.+|VĂN PHÒNG.+|BAN\s+.+|HỘI ĐỒNG NHÂN DÂN.+)$"
)
# A council's name printed alone, its place on the next line (a line break in the header cell).
_BODY_ONLY = re.compile(r"^\s*(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN)\s*$")
_PLACE = re.compile(r"^\s*(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|ĐẶC KHU)\s+\S")
# "125/KH-UBND", "/KH-UBND" (number left blank), "323 /UBND-VHTT": the symbol a number line
# starts with, so that text after it (the right column of a two-column header) is not kept.
_SYMBOL = re.compile(r"^\d*\s*/\s*[A-ZĐ][A-ZĐ0-9]*(?:\s*[-–]\s*[A-ZĐ0-9]+)*(?![\w/])")
# Where the right column (national motto) starts when a header row is read as one line.
_MOTTO = re.compile(r"\s+(?:CỘNG HÒA|CỘNG HOÀ|Cộng hòa|Cộng hoà|ĐỘC LẬP|Độc lập)\b.*$")


def _left_column(text: str) -> str:
    """The issuer's column of a header line that also carries the national motto."""
    return _MOTTO.sub("", text)


LEVELS = ("national", "ministry", "province", "city", "district", "commune")

# "ỦY BAN NHÂN DÂN TỈNH LÂM HÀ" → council, level word, place name.
_COUNCIL_PLACE = re.compile(
    r"^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND)\s+"
    r"(TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG|ĐẶC KHU)\s+(\S.*)$",
    re.IGNORECASE,
)
_COUNCIL_SHORT = {"ủy ban nhân dân": "UBND", "uỷ ban nhân dân": "UBND", "ubnd": "UBND"}


def _title_case(name: str) -> str:
    """A place name printed in capitals as names are written ("BÀ RỊA - VŨNG TÀU" → "Bà Rịa -
    Vũng Tàu"); a name already in mixed case is kept."""
    if name != name.upper():
        return name
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


def issuer_place(issuer: str) -> tuple[str, str]:
    """(level word, place name) of a council issuer: ("tỉnh", "Lâm Hà"); ("", "") otherwise."""
    m = _COUNCIL_PLACE.match(_nfc(issuer))
    if m is None:
        return "", ""
    level = m.group(2).lower().rstrip(".")
    level = "thành phố" if level == "tp" else level
    return level, _title_case(m.group(3).strip())


def readable_issuer(issuer: str) -> str:
    """The issuer as plans cite it: "ỦY BAN NHÂN DÂN TỈNH LÂM HÀ" → "UBND tỉnh Lâm Hà", a name
    the agency directory knows in its own spelling, other names in capitals sentence-cased."""
    from retrieval.agencies import directory
    from retrieval.textnorm import names_equal

    text = _nfc(issuer)
    if not text:
        return ""
    level, place = issuer_place(text)
    if place:
        council = _COUNCIL_PLACE.match(text).group(1).lower()  # type: ignore[union-attr]
        return f"{_COUNCIL_SHORT.get(council, 'HĐND')} {level} {place}"
    known = directory().canonical(text)
    if known != text and names_equal(known, text):  # the directory's own spelling of this name
        return known
    return text[:1] + text[1:].lower() if text == text.upper() else text


@dataclass
class PlanMetadata:
    """Fields of a manifest entry found in the document; empty when not found."""

    number: str = ""
    date: str | None = None  # ISO
    issuer: str = ""
    doc_type: str = ""
    title: str = ""
    scope: str = ""
    warnings: list[str] = field(default_factory=list)


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def level_of(issuer: str, number: str) -> str:
    """Administrative level from the issuer's name (and the number's suffix as a hint)."""
    s = _nfc(issuer).casefold()
    suffix = number.upper()
    if s.startswith(("chính phủ", "thủ tướng", "văn phòng chính phủ")) or suffix.endswith(
        ("-CP", "-TTG")
    ):
        return "national"
    if s.startswith("bộ ") or re.search(r"/(?:QĐ|KH|TT)-B[A-Z]+$", suffix):
        return "ministry"
    if re.search(r"\b(xã|phường|thị trấn|đặc khu)\b", s):
        return "commune"
    if re.search(r"\b(quận|huyện|thị xã)\b", s):
        return "district"
    if "thành phố" in s and any(
        c in s for c in ("hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế")
    ):
        return "city"
    if "tỉnh" in s or s.startswith("sở "):
        return "province"
    if "thành phố" in s:
        return "city"
    return ""


def read_metadata(lines: list[str], head: int = 60) -> PlanMetadata:
    """Look at the first `head` non-empty lines for number, date, issuer, type and title."""
    meta = PlanMetadata()
    texts = [_nfc(t.replace("\t", " ")) for t in lines if t.strip()][:head]
    for i, text in enumerate(texts):
        if not meta.number:
            m = _NUMBER.match(text)
            if m:
                symbol = _SYMBOL.match(m.group(1))
                if symbol is None:
                    meta.number = m.group(1).split("  ")[0].replace(" ", "")
                    continue
                # the rest of the line is the other column ("Quảng Đông, ngày … năm …")
                meta.number = symbol.group(0).replace(" ", "")
        if not meta.date:
            # the date may wrap in a narrow header column ("… ngày 14 tháng 02 năm" / "2025")
            after = texts[i + 1] if i + 1 < len(texts) else ""
            m = _DATE.search(text) or _DATE.search(f"{text} {after}")
            if m:
                d, mo, y = (int(g) for g in m.groups())
                if 1 <= d <= 31 and 1 <= mo <= 12:
                    meta.date = f"{y:04d}-{mo:02d}-{d:02d}"
        left = _left_column(text)
        if not meta.issuer and _BODY_ONLY.match(left) and i + 1 < len(texts):
            nxt = _left_column(texts[i + 1])
            if _PLACE.match(nxt) and nxt.isupper():  # "ỦY BAN NHÂN DÂN" / "TỈNH X" on two lines
                meta.issuer = f"{left.strip()} {nxt.strip()}"
        if not meta.issuer and _ISSUER.match(left.upper()) and left.isupper():
            meta.issuer = left
        if not meta.doc_type:
            upper = text.upper()
            found = next((t for t in DOC_TYPES if upper == t or upper.startswith(t + " ")), None)
            if found and text.isupper() and not upper.startswith(_SKIP):
                meta.doc_type = found.capitalize()
                rest = text[len(found) :].strip(" :")
                nxt = texts[i + 1] if i + 1 < len(texts) else ""
                meta.title = _nfc(f"{meta.doc_type} {rest or nxt}")
    if not meta.number:
        meta.warnings.append("Không thấy số hiệu (dòng 'Số: …')")
    if not meta.date:
        meta.warnings.append("Không thấy ngày ban hành ('ngày … tháng … năm …')")
    if not meta.issuer:
        meta.warnings.append("Không thấy cơ quan ban hành")
    if not meta.title:
        meta.warnings.append("Không thấy loại văn bản và tiêu đề")
    meta.scope = level_of(meta.issuer, meta.number)
    return meta
