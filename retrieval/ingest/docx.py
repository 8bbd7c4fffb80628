"""DOCX plans (python-docx): paragraphs, headings and tables in reading order.

Merged cells are read once (a cell spanning columns fills its first column, a vertically
merged cell its first row); borderless layout tables (the header block with "Số: …" and the
signature block) are read as paragraphs, not as task tables.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from retrieval.ingest.blocks import Block, SourceDocument, TableRow, fill_merged_down
from retrieval.ingest.tables import find_header


def _paragraph_lines(p: object) -> list[str]:
    """Non-empty lines of a `w:p` element: a soft line break (`w:br`, Shift+Enter) starts a new
    line and a tab is a space, as python-docx renders them."""
    return [" ".join(line.split()) for line in Paragraph(p, None).text.split("\n") if line.strip()]


def _cell_text(tc: object) -> str:
    """Text of a `w:tc` element: its paragraphs and lines joined by spaces (nested tables
    included)."""
    texts = []
    for p in tc.iter(qn("w:p")):  # type: ignore[attr-defined]
        texts.extend(_paragraph_lines(p))
    return " ".join(texts)


def _page_breaks(element: object) -> int:
    """Page breaks inside an element: Word's rendered breaks and hard page breaks."""
    rendered = len(list(element.iter(qn("w:lastRenderedPageBreak"))))  # type: ignore[attr-defined]
    hard = sum(
        1
        for br in element.iter(qn("w:br"))  # type: ignore[attr-defined]
        if br.get(qn("w:type")) == "page"
    )
    return rendered + hard


def _grid_rows(table: Table) -> list[list[str]]:
    """Rows as grid-aligned cells; a cell spanning columns fills its first column, a cell merged
    down the rows is shared by the numbered rows it spans (`fill_merged_down`)."""
    rows: list[list[str]] = []
    merged: list[list[bool]] = []
    for tr in table._tbl.tr_lst:
        cells: list[str] = []
        flags: list[bool] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            below = tc.vMerge == "continue"
            cells.append("" if below else _cell_text(tc))
            cells.extend([""] * (span - 1))
            flags.extend([below] * span)
        rows.append(cells)
        merged.append(flags)
    fill_merged_down(rows, merged)
    return rows


def _has_borders(table: Table) -> bool:
    """True when the table or its style draws cell borders (layout tables usually do not)."""
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders")) if tbl_pr is not None else None
    if borders is not None:
        return any(b.get(qn("w:val")) not in (None, "none", "nil") for b in borders)
    style = table.style
    while style is not None:
        pr = style.element.find(qn("w:tblPr"))
        found = pr.find(qn("w:tblBorders")) if pr is not None else None
        if found is not None:
            return any(b.get(qn("w:val")) not in (None, "none", "nil") for b in found)
        style = style.base_style
    return False


def _is_data_table(rows: list[list[str]], bordered: bool) -> bool:
    """A table whose header names table roles, or any bordered table of real size."""
    for i, row in enumerate(rows[:4]):
        if find_header(row, rows[i + 1] if i + 1 < len(rows) else None) is not None:
            return True
    width = max((len(r) for r in rows), default=0)
    return bordered and len(rows) >= 3 and width >= 3


def _table_block(table: Table, number: int, pages: list[int] | None) -> list[Block]:
    """A data table as one table block; a layout table as paragraphs, cell by cell.

    `pages` is the running page count (None when the file has no page-break marks): each row
    gets the page it starts on."""
    rows = _grid_rows(table)
    if _is_data_table(rows, _has_borders(table)):
        out = []
        for tr, cells in zip(table._tbl.tr_lst, rows, strict=True):
            if pages is not None:
                pages[0] += _page_breaks(tr)
            out.append(TableRow(cells, pages[0] if pages is not None else None))
        page = out[0].page if out else None
        return [Block("table", rows=out, table=number, page=page)]
    if pages is not None:
        pages[0] += _page_breaks(table._tbl)
    blocks = []
    for tr in table._tbl.tr_lst:
        for tc in tr.tc_lst:
            for p in tc.iter(qn("w:p")):
                for text in _paragraph_lines(p):
                    blocks.append(Block("paragraph", text=text, page=pages[0] if pages else None))
    return blocks


def read_docx(path: Path, name: str) -> SourceDocument:
    """Read a DOCX plan into blocks in document order."""
    document = docx.Document(str(path))
    out = SourceDocument()
    tables = 0
    body = document.element.body
    # Page numbers only when Word left page-break marks (it does when it saved the file).
    pages = [1] if _page_breaks(body) else None
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            if pages is not None:
                pages[0] += _page_breaks(child)
            para = Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            kind = "heading" if style.casefold().startswith(("heading", "title")) else "paragraph"
            out.blocks.append(Block(kind, text=text, page=pages[0] if pages else None))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            blocks = _table_block(table, tables + 1, pages)
            if blocks and blocks[0].kind == "table":
                tables += 1
            out.blocks.extend(blocks)
    return out
