"""PDF plans with a text layer (pdfplumber): text and ruled tables in reading order.

A table continued on the next page is joined to the one before; the header repeated at the top
of each page is dropped; a row split by the page break (its number cell empty) is joined to the
row above; page numbers are ignored. A PDF without a text layer (a scan) is an error: it needs OCR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfplumber.table import Table

from retrieval.ingest.blocks import Block, SourceDocument, TableRow, fill_merged_down
from retrieval.ingest.body import classify
from retrieval.ingest.pdf_columns import column_table
from retrieval.ingest.pdf_header import header_columns
from retrieval.ingest.tables import fold_header
from retrieval.models import ParseIssue

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*/\s*\d{1,3})?$", re.I)
_MARGIN = 0.08  # top/bottom share of a page where a lone number is a page number
NEEDS_OCR = (
    "Tệp PDF không có lớp văn bản (bản quét ảnh): cần nhận dạng ký tự (OCR) trước khi nạp, "
    "hoặc dùng bản DOCX/PDF gốc"
)


@dataclass
class _Item:
    """A text line or a table on one page, with its vertical position for reading order."""

    top: float
    text: str | None = None
    rows: list[list[str]] | None = None
    edges: list[float] | None = None  # column edges of a table set without rules
    line: _LineBox | None = None  # a body text line: where it ends, for joining wrapped lines


@dataclass(frozen=True)
class _LineBox:
    """Where a text line sits: its right end, bottom, height and first word's width."""

    right: float
    bottom: float
    height: float
    first_word: float


def _line_box(line: dict) -> _LineBox:
    """The box of a pdfplumber text line; its first word ends at a space or a gap between
    letters (PDFs often have no space characters)."""
    chars = line.get("chars") or []
    first_end = chars[0]["x1"] if chars else line["x1"]
    for prev, char in zip(chars, chars[1:], strict=False):
        if not char["text"].strip() or char["x0"] - prev["x1"] > 0.15 * float(prev["size"]):
            break
        first_end = char["x1"]
    start = chars[0]["x0"] if chars else line["x0"]
    height = float(line["bottom"] - line["top"])
    return _LineBox(float(line["x1"]), float(line["bottom"]), height, float(first_end - start))


def _wraps_into(prev: _Item, item: _Item, right: float, same_page: bool) -> bool:
    """True when `item` continues the line before it: that line reached the right margin (the
    next line's first word would not have fitted after it), no wider paragraph gap lies between
    them, and `item` does not open a heading, bullet or number of its own."""
    a, b = prev.line, item.line
    if a is None or b is None or not item.text:
        return False
    open_paren = (prev.text or "").count("(") > (prev.text or "").count(")")
    if classify(item.text).rank is not None and not open_paren:  # "(mục" / "12) …" is no item
        return False
    space = 0.3 * b.height
    if a.right + space + b.first_word < right - 0.5 * b.height:
        return False
    return not same_page or item.top - a.bottom < 0.8 * max(a.height, b.height)


def _clean_cell(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _table_rows(table: Table) -> list[list[str]]:
    """Clean cells of a ruled table. An empty slot (None) inside a cell that spans columns stays
    empty; inside a cell merged down from the row above it shares that cell's text."""
    raw = table.extract()
    boxes = [row.cells for row in table.rows]
    col_x0: dict[int, float] = {}
    for row in boxes:
        for c, box in enumerate(row):
            if box is not None:
                col_x0.setdefault(c, box[0])
    merged = [[False] * len(row) for row in raw]
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None or r == 0 or c not in col_x0:
                continue
            left = next((row[k] for k in range(c - 1, -1, -1) if row[k] is not None), None)
            spans_here = left is not None and left[2] > col_x0[c] + 1
            merged[r][c] = not spans_here
    rows = [[_clean_cell(c) for c in row] for row in raw]
    fill_merged_down(rows, merged)
    return rows


def _page_items(
    page: pdfplumber.page.Page, edges: list[float] | None = None, first: bool = False
) -> list[_Item]:
    """Lines outside tables and the tables themselves, top to bottom; page numbers dropped.

    Ruled tables first; a page without any is searched for a table set in columns (`edges`:
    the columns of such a table on the page before, which may continue here). On the `first`
    page a two-column header block is read column by column (left, then right)."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items = [_Item(t.bbox[1], rows=_table_rows(t)) for t in tables]
    if not tables:
        found = column_table(_body_words(page), None) or (
            column_table(_body_words(page), edges) if edges else None
        )
        if found is not None:
            boxes.append((0, found.top - 1, float(page.width), found.bottom + 1))
            items.append(_Item(found.top, rows=found.rows, edges=found.edges))

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    if first:
        words = [w for w in page.extract_words() if outside(w)]
        header = header_columns(words, float(page.width), float(page.height))
        if header is not None:
            boxes.append((0, header.top - 1, float(page.width), header.bottom + 1))
            items.append(_Item(header.top, text="\n".join(header.left + header.right)))

    height = float(page.height) or 1.0
    for line in page.filter(outside).extract_text_lines():
        text = line["text"].strip()
        in_margin = line["top"] < height * _MARGIN or line["bottom"] > height * (1 - _MARGIN)
        if not text or (in_margin and _PAGE_NUMBER.match(text)):
            continue
        items.append(_Item(line["top"], text=text, line=_line_box(line)))
    items.sort(key=lambda i: i.top)
    return items


def _body_words(page: pdfplumber.page.Page) -> list[dict]:
    """Words outside the top and bottom margins (where page numbers sit)."""
    height = float(page.height) or 1.0
    return [
        w
        for w in page.extract_words()
        if height * _MARGIN <= w["top"] and w["bottom"] <= height * (1 - _MARGIN)
    ]


def _same_row(a: list[str], b: list[str]) -> bool:
    return [fold_header(c) for c in a] == [fold_header(c) for c in b]


def _continue_table(block: Block, rows: list[list[str]], page: int) -> None:
    """Append a table's rows from the next page: repeated header dropped, split row joined."""
    header = [r.cells for r in block.rows[:3]]
    while rows and any(_same_row(rows[0], h) for h in header):
        rows = rows[1:]
    if rows and block.rows and not rows[0][0].strip() and any(c.strip() for c in rows[0]):
        last = block.rows[-1].cells
        first = rows.pop(0)
        block.rows[-1].cells = [
            " ".join(p for p in (a, b) if p) for a, b in zip(last, first, strict=False)
        ]
    block.rows.extend(TableRow(r, page) for r in rows)


def read_pdf(path: Path, name: str) -> SourceDocument:
    """Read a PDF plan into blocks; a scan without text gets a clear error issue."""
    out = SourceDocument()
    tables = 0
    chars = 0
    pages: list[tuple[float, list[_Item]]] = []
    with pdfplumber.open(str(path)) as pdf:
        out.pages = len(pdf.pages)
        edges: list[float] | None = None
        for page in pdf.pages:
            chars += len(page.chars)
            items = _page_items(page, edges, first=not pages)
            last_item = items[-1] if items else None
            edges = last_item.edges if last_item is not None else None
            pages.append((float(page.width), items))
    # The right margin of each page size: where its longest text lines end.
    rights: dict[float, float] = {}
    for width, items in pages:
        for item in items:
            if item.line is not None:
                rights[width] = max(rights.get(width, 0.0), item.line.right)
    open_line: tuple[_Item, int] | None = None  # the text line the last paragraph ends with
    for number, (width, items) in enumerate(pages, start=1):
        for index, item in enumerate(items):
            last = out.blocks[-1] if out.blocks else None
            if item.rows is None:
                prev = open_line[0] if open_line is not None else None
                same_page = open_line is not None and open_line[1] == number
                if (
                    prev is not None
                    and last is not None
                    and _wraps_into(prev, item, rights.get(width, 0.0), same_page)
                ):
                    last.text = f"{last.text} {item.text}"
                else:
                    out.blocks.append(Block("paragraph", text=item.text or "", page=number))
                open_line = (item, number) if item.line is not None else None
                continue
            open_line = None
            columns = max((len(r) for r in item.rows), default=0)
            continues = (
                index == 0
                and last is not None
                and last.kind == "table"
                and last.page is not None
                and last.rows
                and max(len(r.cells) for r in last.rows) == columns
            )
            if continues and last is not None:
                _continue_table(last, item.rows, number)
                continue
            tables += 1
            rows = [TableRow(r, number) for r in item.rows]
            out.blocks.append(Block("table", rows=rows, page=number, table=tables))
    if chars == 0:
        out.blocks = []
        out.issues.append(ParseIssue(name, 0, NEEDS_OCR, "error"))
    return out
