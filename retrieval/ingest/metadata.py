"""Read a plan's own header: number (Số: 03/NQ-CP), date (ngày … tháng … năm …), issuer,
document type and title, and administrative level — the manifest entry `planbot add` writes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_NUMBER = re.compile(r"^\s*Số\s*[:.]?\s*(\S.*?)\s*$", re.IGNORECASE)
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TYPES = (
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
LEVELS = ("national", "ministry", "province", "city", "district", "commune")


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
                meta.number = m.group(1).split("  ")[0].replace(" ", "")
                continue
        if not meta.date:
            m = _DATE.search(text)
            if m:
                d, mo, y = (int(g) for g in m.groups())
                if 1 <= d <= 31 and 1 <= mo <= 12:
                    meta.date = f"{y:04d}-{mo:02d}-{d:02d}"
        if not meta.issuer and _BODY_ONLY.match(text) and i + 1 < len(texts):
            nxt = texts[i + 1]
            if _PLACE.match(nxt) and nxt.isupper():  # "ỦY BAN NHÂN DÂN" / "TỈNH X" on two lines
                meta.issuer = f"{text.strip()} {nxt.strip()}"
        if not meta.issuer and _ISSUER.match(text.upper()) and text.isupper():
            meta.issuer = text
        if not meta.doc_type:
            upper = text.upper()
            found = next((t for t in _TYPES if upper == t or upper.startswith(t + " ")), None)
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
