"""Tables set in columns without ruling lines: the header line's words give the column edges,
every text line below that fits those columns is a row, a line with an empty number column
continues the row above (wrapped cells), and the first line that runs across the columns (prose)
ends the table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.ingest.tables import header_roles, is_header_words

Word = dict  # a pdfplumber word: text, x0, x1, top, bottom
_NUMBER = re.compile(r"^(?:[0-9IVXLivxl]+(?:\.[0-9]+)*|[A-ZĐa-zđ])[.)]?$")
GAP = 7.0  # points between words that separates two cells on one line
LINE_TOLERANCE = 3.0


@dataclass
class ColumnTable:
    """Rows read from column positions, and where the table sits on the page."""

    top: float
    bottom: float
    edges: list[float]
    rows: list[list[str]] = field(default_factory=list)


def word_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into text lines (same top within a tolerance), left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _cells(line: list[Word]) -> list[list[Word]]:
    """Split a line into cells at gaps wider than GAP."""
    cells: list[list[Word]] = [[line[0]]]
    for prev, word in zip(line, line[1:], strict=False):
        if word["x0"] - prev["x1"] > GAP:
            cells.append([word])
        else:
            cells[-1].append(word)
    return cells


def _fits(line: list[Word], edges: list[float]) -> bool:
    """True when no run of closely spaced words crosses a column edge (prose runs across)."""
    for cell in _cells(line):
        start, end = cell[0]["x0"], cell[-1]["x1"]
        if any(start + 1 < edge < end - 1 for edge in edges[1:]):
            return False
    return True


def _row(line: list[Word], edges: list[float]) -> list[str]:
    cells = [""] * len(edges)
    for word in line:
        col = max((i for i, e in enumerate(edges) if word["x0"] >= e - 2), default=0)
        cells[col] = f"{cells[col]} {word['text']}".strip()
    return cells


def _header_at(lines: list[list[Word]], i: int) -> tuple[list[float], list[str], int] | None:
    """(column edges, header texts, last header line) when a header starts at line `i`; its
    wrapped words on the next lines (nothing in the number column) belong to the same cells."""
    cells = _cells(lines[i])
    if len(cells) < 3:
        return None
    edges = [c[0]["x0"] for c in cells]
    texts = [" ".join(w["text"] for w in c) for c in cells]
    end = i
    for j in range(i + 1, min(i + 3, len(lines))):
        if any(w["x0"] < edges[1] - 2 for w in lines[j]) or not _fits(lines[j], edges):
            break
        if not is_header_words(" ".join(w["text"] for w in lines[j])):
            break  # the tail of a row broken by the page, not the header's wrapped words
        texts = [f"{a} {b}".strip() for a, b in zip(texts, _row(lines[j], edges), strict=True)]
        end = j
    if header_roles(texts) is None:
        return None
    return edges, texts, end


def column_table(words: list[Word], edges: list[float] | None = None) -> ColumnTable | None:
    """The column table on a page: after a header line, or (with `edges` from the page before)
    from the first line that fits those columns. None when there is none."""
    lines = word_lines(words)
    rows: list[list[str]] = []
    start = len(lines)
    if edges is None:
        for i in range(len(lines)):
            header = _header_at(lines, i)
            if header is not None:
                edges, texts, end = header
                rows, start = [texts], end + 1
                top = lines[i][0]["top"]
                break
        else:
            return None
    else:
        start = next((i for i, line in enumerate(lines) if _fits(line, edges)), len(lines))
        if start >= len(lines):
            return None
        top = lines[start][0]["top"]
    table = ColumnTable(top, top, edges, rows)
    header_rows = len(rows)
    for line in lines[start:]:
        if not _fits(line, edges):
            break
        row = _row(line, edges)
        if row[0] and not _NUMBER.match(row[0]):
            break  # prose starting at the left margin ("Nơi nhận:"): the table has ended
        # An empty number cell continues the row above; right under the header it is the tail
        # of a row broken by the page, kept apart so the reader joins it across the break.
        if len(table.rows) > header_rows and not row[0]:
            table.rows[-1] = [f"{a} {b}".strip() for a, b in zip(table.rows[-1], row, strict=True)]
        else:
            table.rows.append(row)
        table.bottom = max(w["bottom"] for w in line)
    return table if len(table.rows) > header_rows else None
