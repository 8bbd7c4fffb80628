"""Body text → `Clause` list: numbered headings, bullets and paragraphs with their heading path."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.cleaning import clean_text
from retrieval.models import Clause, Document

# Ranks: a smaller rank encloses a larger one. Paragraphs have no rank (never enclose).
RANK_APPENDIX = 0
RANK_CLOSING = 1  # "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN": the sign-off block ends the body
RANK_LETTER = 2  # "A.", "B."
RANK_ROMAN = 3  # "I.", "II."
RANK_NUMBER = 4  # "1." → 4, "1.1." → 5, "2.2.1" → 6 (RANK_NUMBER + depth - 1)
RANK_ALPHA = 20  # "a)", "1)"
RANK_DASH = 21  # "-", "·", "•", "* "
RANK_PLUS = 22  # "+", "- +"

_ROMAN = r"(?:XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_TITLE_START = r"(?=[\"“(*\w])"
_APPENDIX = re.compile(r"^phụ\s*lục(?:\s+(\d{1,2}|[ivxlc]{1,5}))?\s*(?:[:.–-]\s*(.*))?$")
_CLOSING = re.compile(r"^nơi nhận\s*(?::.*)?$")  # alone, or with the first recipient after ":"
# A signature block opens with the signing authority ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
# "TL. BỘ TRƯỞNG") or with the signer's title alone ("GIÁM ĐỐC"), printed in capitals.
_SIGN_AUTHORITY = re.compile(r"^(?:TM|T/M|KT|K/T|TL|T/L|TUQ|Q)\s*\.\s*\w")
_SIGN_TITLE = re.compile(
    r"^(?:PHÓ\s+|TỔNG\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|TRƯỞNG BAN|"
    r"CHÁNH VĂN PHÒNG|CỤC TRƯỞNG|VIỆN TRƯỞNG|HIỆU TRƯỞNG|BÍ THƯ)$"
)
_ROMAN_HEAD = re.compile(rf"^({_ROMAN})\.\s*{_TITLE_START}")
_LETTER_HEAD = re.compile(rf"^([A-HJ-UWYZ])\.\s+{_TITLE_START}")
_NUMBER_HEAD = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)(\.?)(\s*)(?=\S)")
_ALPHA_HEAD = re.compile(r"^([a-zđ]|\d{1,2})\)\s*(?=\S)")
_PLUS = re.compile(r"^(?:[-–]\s*)?\+\s*(?=\S)")
_DASH = re.compile(r"^(?:[-–]|[·•●▪◦]|\*(?=\s))\s*(?=\S)")
_EMPHASIS = re.compile(r"^(\*+)(.+?)\1$")
_TERMINAL = (".", ";", ":", "!", "?", "…")
_ITEM_END = (".", ";", "!", "?", "…")  # a sentence ends here; ':' leads into what follows
_TITLE_MAX = 160


@dataclass(frozen=True)
class Marker:
    """How a line opens: its label as printed, its rank (None for paragraphs) and the rest."""

    number: str
    rank: int | None
    rest: str
    appendix: str | None = None
    signature: bool = False  # opens (or continues) the signature block


def _is_signature(stripped: str) -> bool:
    """A line of the signature block: the signing authority or the signer's title, in capitals."""
    text = stripped.strip("* ")
    if not text or text != text.upper() or not any(ch.isalpha() for ch in text):
        return False
    return bool(_SIGN_AUTHORITY.match(text) or _SIGN_TITLE.match(" ".join(text.split())))


def is_table_like(line: str) -> bool:
    """True for tab-separated cell rows (a tab after the first cell), not tab-indented prose."""
    return line.count("\t") >= 2 and "\t" in line.lstrip(" \t")


def _starts_title(text: str) -> bool:
    return bool(text) and (text[0].isupper() or text[0] in '"“(*')


def classify(stripped: str) -> Marker:
    """Recognise the heading/bullet marker that opens a stripped line."""
    folded = stripped.casefold()
    m = _APPENDIX.match(folded)
    if m:
        num = m.group(1) or ""
        num = num.upper() if num and not num.isdigit() else num
        name = f"Phụ lục {num}".strip()
        return Marker(name, RANK_APPENDIX, stripped, appendix=name)
    if _CLOSING.match(folded.strip("* ")):
        return Marker("", RANK_CLOSING, stripped)
    if _is_signature(stripped):
        return Marker("", RANK_CLOSING, stripped, signature=True)
    m = _ROMAN_HEAD.match(stripped)
    if m and _starts_title(stripped[m.end() :]):
        return Marker(f"{m.group(1)}.", RANK_ROMAN, stripped[m.end() :])
    m = _LETTER_HEAD.match(stripped)
    if m and _starts_title(stripped[m.end() :]):
        return Marker(f"{m.group(1)}.", RANK_LETTER, stripped[m.end() :])
    m = _NUMBER_HEAD.match(stripped)
    if m and (m.group(2) or m.group(3)) and _starts_title(stripped[m.end() :]):
        depth = m.group(1).count(".") + 1
        return Marker(m.group(1) + m.group(2), RANK_NUMBER + depth - 1, stripped[m.end() :])
    m = _ALPHA_HEAD.match(stripped)
    if m:
        return Marker(f"{m.group(1)})", RANK_ALPHA, stripped[m.end() :])
    m = _PLUS.match(stripped)
    if m:
        return Marker("+", RANK_PLUS, stripped[m.end() :])
    m = _DASH.match(stripped)
    if m:
        return Marker(stripped[0], RANK_DASH, stripped[m.end() :])
    return Marker("", None, stripped)


def clause_text(raw: str) -> str:
    """Clean text of a clause: HTML removed, whitespace collapsed, enclosing `*…*` dropped."""
    text = clean_text(raw)
    m = _EMPHASIS.match(text)
    if m:
        return m.group(2).strip()
    if text.startswith("**") and "**" not in text[2:]:
        text = text[2:].lstrip()  # bold opened here, closed on a later line (signature blocks)
    if text.endswith("**") and "**" not in text[:-2]:
        text = text[:-2].rstrip()
    return text


def _ends_document(text: str) -> bool:
    """A sentence closed by "./.", the mark that ends an administrative document's text."""
    return text.rstrip(" *").endswith("./.")


def _after_items(clauses: list[Clause]) -> bool:
    """The last clause is an item inside a section (a sentence, not a heading's bare title or
    a lead-in ending with ':')."""
    last = clauses[-1] if clauses else None
    return bool(last and last.heading_path and last.text.rstrip(" *").endswith(_ITEM_END))


def _title(marker: Marker, text: str) -> str:
    """Heading-path entry: label + text for numbered headings, text alone for bullets."""
    if marker.appendix:
        return marker.appendix
    label = marker.number if marker.rank is not None and marker.rank < RANK_DASH else ""
    title = f"{label} {text}".strip()
    if len(title) > _TITLE_MAX:
        title = title[:_TITLE_MAX].rsplit(" ", 1)[0] + " …"
    return title


def _continues(text: str, nxt: str) -> bool:
    """A paragraph split across lines: no terminal punctuation, next line starts lowercase."""
    text = text.rstrip(" *")
    if not text or text.endswith(_TERMINAL) or not nxt[:1].islower():
        return False
    return classify(nxt).rank is None


def _next_content(lines: list[str], start: int, skip: set[int]) -> int | None:
    """Index of the next non-blank line usable by the body, or None at a table/end."""
    for j in range(start, len(lines)):
        if j + 1 in skip or is_table_like(lines[j]):
            return None
        if lines[j].strip():
            return j
    return None


def parse_clauses(doc: Document, lines: list[str], skip: set[int]) -> list[Clause]:
    """Split the body (lines outside `skip`, 1-based) into clauses with heading paths."""
    clauses: list[Clause] = []
    stack: list[tuple[int, str]] = []
    appendix: str | None = None
    signing_off = False  # inside the sign-off block (recipients, signature) until the next part
    i = 0
    while i < len(lines):
        raw = lines[i]
        if i + 1 in skip or is_table_like(raw) or not raw.strip():
            i += 1
            continue
        marker = classify(raw.strip())
        parts = [marker.rest]
        end = i
        while True:
            j = _next_content(lines, end + 1, skip)
            if j is None or not _continues(" ".join(parts), lines[j].strip()):
                break
            parts.append(lines[j].strip())
            end = j
        text = clause_text(" ".join(parts))
        if marker.appendix:
            appendix = marker.appendix
            stack = []
        if not text.strip("* "):
            i = end + 1
            continue
        if marker.rank == RANK_CLOSING and not signing_off:
            # The sign-off ends the body: no heading above it encloses what follows.
            signing_off = True
            stack = [entry for entry in stack if entry[0] < RANK_CLOSING]
            if marker.signature:
                marker = Marker("", None, marker.rest)  # no heading: the signer is no section
        elif marker.rank == RANK_CLOSING:
            marker = Marker("", None, marker.rest)  # "KT. CHỦ TỊCH" after "Nơi nhận:"
        elif signing_off and marker.rank is not None and marker.rank <= RANK_ROMAN:
            signing_off = False  # a new part (appendix, attached plan) begins
            stack = [entry for entry in stack if entry[0] < RANK_CLOSING]
        elif marker.rank is None and _ends_document(text) and _after_items(clauses):
            # "…, trình UBND tỉnh xem xét, quyết định./." after the last section's items: the
            # document's closing sentence, addressed to all, not one more item of that section.
            stack = [entry for entry in stack if entry[0] < RANK_CLOSING]
        if marker.rank is None:
            while stack and stack[-1][0] >= RANK_ALPHA and not stack[-1][1].endswith(":"):
                stack.pop()
        else:
            while stack and stack[-1][0] >= marker.rank:
                stack.pop()
        path = [title for _, title in stack]
        clauses.append(
            Clause(
                id=f"{doc.id}:c{i + 1}",
                document=doc.id,
                number=marker.number,
                heading_path=path,
                text=text,
                line_start=i + 1,
                line_end=end + 1,
                level=len(path),
                appendix=appendix,
            )
        )
        if marker.rank is not None:
            stack.append((marker.rank, _title(marker, text)))
        i = end + 1
    return clauses
