"""The two-column header block at the top of a plan's first page (issuer and number on the left;
national motto, place and date on the right), usually a borderless table: its columns are read
apart, left then right, as a DOCX reader reads the cells, instead of line by line across both."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.ingest.metadata import DOC_TYPES
from retrieval.ingest.pdf_columns import Word, word_lines

MIN_GUTTER = 8.0  # points of empty space between the two columns
MIDDLE = (0.2, 0.8)  # the gutter lies in this share of the page width
MAX_DEPTH = 0.45  # the header block sits in the top part of the page
MAX_START = 4  # a line printed on both sides is among the page's first lines


@dataclass
class HeaderColumns:
    """The header block: its vertical extent and its two columns' lines, top to bottom."""

    top: float
    bottom: float
    left: list[str]
    right: list[str]


def _gaps(spans: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """Empty x intervals between the occupied spans, inside (lo, hi), at least MIN_GUTTER wide."""
    gaps = []
    reach = None
    for x0, x1 in sorted(spans):
        if reach is not None and x0 - reach >= MIN_GUTTER:
            gaps.append((reach, x0))
        reach = x1 if reach is None else max(reach, x1)
    return [(a, b) for a, b in gaps if lo <= (a + b) / 2 <= hi]


def _narrowed(line: list[Word], gutter: tuple[float, float]) -> tuple[float, float] | None:
    """The gutter left free by this line too, or None when a word crosses it."""
    left, right = gutter
    for w in line:
        if w["x1"] <= (left + right) / 2:
            left = max(left, w["x1"])
        elif w["x0"] >= (left + right) / 2:
            right = min(right, w["x0"])
        else:
            return None
    return (left, right) if right - left >= MIN_GUTTER else None


def _text(words: list[Word]) -> str:
    return " ".join(w["text"] for w in words)


def header_columns(words: list[Word], width: float, height: float) -> HeaderColumns | None:
    """The header block's two columns: from the first top line printed on both sides of an
    empty gutter near the middle, the lines above and below that leave the gutter free (a
    column may start lower or end later than the other). None when the page does not open
    with such a block."""
    lines = [line for line in word_lines(words) if line[0]["top"] < height * MAX_DEPTH]
    lo, hi = width * MIDDLE[0], width * MIDDLE[1]
    both = next(
        (i for i, line in enumerate(lines[:MAX_START]) if _gaps(_spans(line), lo, hi)), None
    )
    if both is None:
        return None
    gutter: tuple[float, float] | None = max(
        _gaps(_spans(lines[both]), lo, hi), key=lambda g: g[1] - g[0]
    )
    first = last = both
    while first > 0 and gutter is not None:
        narrowed = _narrowed(lines[first - 1], gutter)
        if narrowed is None:
            break
        gutter, first = narrowed, first - 1
    while last + 1 < len(lines) and gutter is not None:
        if _text(lines[last + 1]).upper() in DOC_TYPES:  # "KẾ HOẠCH": the title starts here
            break
        narrowed = _narrowed(lines[last + 1], gutter)
        if narrowed is None:
            break
        gutter, last = narrowed, last + 1
    if gutter is None or last == first:
        return None
    block = [w for line in lines[first : last + 1] for w in line]
    split = (gutter[0] + gutter[1]) / 2
    left = word_lines([w for w in block if w["x1"] <= split])
    right = word_lines([w for w in block if w["x0"] >= split])
    return HeaderColumns(
        top=min(w["top"] for w in block),
        bottom=max(w["bottom"] for w in block),
        left=[_text(line) for line in left],
        right=[_text(line) for line in right],
    )


def _spans(line: list[Word]) -> list[tuple[float, float]]:
    return [(w["x0"], w["x1"]) for w in line]
