"""The document-of-blocks model every reader produces, and its rendering into numbered lines.

The table and body parsers read lines (a table row is its cells joined by tabs), so a DOCX or PDF
plan parses exactly like a text plan; `SourceLines.where` maps each line back to page/table/row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from retrieval.ingest.tables import find_header
from retrieval.models import ParseIssue

BlockKind = Literal["paragraph", "heading", "table"]


@dataclass
class TableRow:
    """One printed table row: its cells (merged cells counted once) and the page it starts on."""

    cells: list[str]
    page: int | None = None


@dataclass
class Block:
    """A paragraph, a heading or a table, in reading order."""

    kind: BlockKind
    text: str = ""
    rows: list[TableRow] = field(default_factory=list)
    page: int | None = None
    table: int | None = None  # 1-based index of the table in the document


@dataclass
class SourceDocument:
    """What a reader got from one file: blocks in order, and problems found on the way."""

    blocks: list[Block] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    pages: int | None = None


@dataclass
class SourceLines:
    """A document as numbered lines (1-based) plus where each line came from in the source."""

    lines: list[str] = field(default_factory=list)
    where: dict[int, str] = field(default_factory=dict)  # line number -> "trang 2, bảng 1, hàng 4"
    issues: list[ParseIssue] = field(default_factory=list)


def fill_merged_down(rows: list[list[str]], merged: list[list[bool]]) -> None:
    """Give a vertically merged cell's text to every numbered row it spans (one lead for three
    tasks), except in the number and content columns, where a merged cell is one text read once.

    `merged[r][c]` is True when cell (r, c) continues the cell above. Rows without a number are
    continuation rows: they keep the merged cell empty so its text is not joined twice.
    """
    roles: list[str | None] = []
    for i, row in enumerate(rows[:4]):
        found = find_header(row, rows[i + 1] if i + 1 < len(rows) else None)
        if found is not None:
            roles = found.roles
            break
    number_col = roles.index("stt") if "stt" in roles else 0
    once = {number_col} | {i for i, r in enumerate(roles) if r in ("content", "detail")}
    anchor: dict[int, str] = {}
    for r, row in enumerate(rows):
        numbered = number_col < len(row) and bool(row[number_col].strip())
        for c, text in enumerate(row):
            is_merged = r < len(merged) and c < len(merged[r]) and merged[r][c]
            if not is_merged:
                anchor[c] = text
            elif numbered and c not in once:
                row[c] = anchor.get(c, "")


def _cell_text(text: str) -> str:
    """A cell on one line: tabs and newlines inside a cell become spaces."""
    return " ".join(text.replace("\t", " ").split())


def _location(page: int | None, table: int | None = None, row: int | None = None) -> str:
    parts = [f"trang {page}"] if page else []
    if table:
        parts.append(f"bảng {table}")
    if row:
        parts.append(f"hàng {row}")
    return ", ".join(parts)


def to_lines(doc: SourceDocument) -> SourceLines:
    """Render blocks as lines: paragraphs one per line, table rows tab-joined, a blank between."""
    out = SourceLines(issues=list(doc.issues))

    def add(line: str, where: str) -> None:
        out.lines.append(line)
        if where:
            out.where[len(out.lines)] = where

    for block in doc.blocks:
        if block.kind == "table":
            if out.lines and out.lines[-1].strip():
                add("", "")
            for n, row in enumerate(block.rows, start=1):
                cells = [_cell_text(c) for c in row.cells]
                if len(cells) == 1:
                    cells.append("")  # a one-cell row stays a table row (it has a tab)
                add("\t".join(cells), _location(row.page or block.page, block.table, n))
            add("", "")
            continue
        for piece in block.text.split("\n"):
            add(piece.strip(), _location(block.page))
    return out
