"""Officials' abbreviations → full forms: the one expander used by search (queries and the lexical
index) and by answering (evidence and the question's plain form)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from retrieval.textnorm import fold

_DATA = Path(__file__).parent / "data" / "abbreviations.json"
# Abbreviations only when typed in capitals ("AI" = trí tuệ nhân tạo, "ai" = who): the folded
# table cannot tell them apart.
CASE_SENSITIVE = {"AI": "trí tuệ nhân tạo", "IOT": "Internet vạn vật", "IoT": "Internet vạn vật"}
# A typed word: letters/digits, joined by '&' or '-' ("TT&TT", "LĐ-TB&XH" is one word).
WORD = re.compile(r"[^\W_]+(?:[&-][^\W_]+)*")
_SEPARATORS = str.maketrans("", "", "&-")


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """The abbreviation table: folded abbreviation → full Vietnamese form."""
    table = json.loads(_DATA.read_text(encoding="utf-8"))
    return {k: v for k, v in table.items() if not k.startswith("_") and isinstance(v, str)}


def lookup_key(word: str) -> str | None:
    """The table key a typed word is found under ("LĐ-TB&XH" → "ld-tb&xh"; "LDTB&XH", typed
    with other separators, → "ldtbxh"); None when the word is no abbreviation."""
    key = fold(word)
    if key == "ai":  # the question word "who"
        return None
    table = abbreviations()
    for candidate in (key, key.translate(_SEPARATORS)):
        if candidate in table and fold(table[candidate]) != key:
            return candidate
    return None


def full_form(word: str) -> str | None:
    """What one typed word stands for, or None."""
    if word in CASE_SENSITIVE:
        return CASE_SENSITIVE[word]
    key = lookup_key(word)
    return abbreviations()[key] if key is not None else None


def _pieces(match: re.Match[str]) -> list[tuple[int, int]]:
    """Spans to expand: the whole word when it is known, else its '-'-separated parts."""
    word = match.group(0)
    if "-" not in word or full_form(word) is not None:
        return [match.span()]
    spans, start = [], match.start()
    for part in word.split("-"):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return spans


def _in_symbol(text: str, match: re.Match[str]) -> bool:
    """A word inside a document symbol ("402/KH-UBND", "06-NQ/TU"): its letters name the issuer
    and the kind of paper, not the things the abbreviations stand for."""
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return before == "/" or after == "/"


def expand_abbreviations(text: str, keep: Callable[[str], bool] | None = None) -> str:
    """Add the full form after each known abbreviation: 'DVCTT' → 'DVCTT (dịch vụ công trực
    tuyến)'. `keep(folded key)` may veto one (e.g. when the index already has the term)."""
    out: list[str] = []
    last = 0
    for match in WORD.finditer(text):
        if _in_symbol(text, match):
            continue
        for start, end in _pieces(match):
            word = text[start:end]
            full = full_form(word)
            if full is None:
                continue
            key = lookup_key(word) or fold(word)
            if keep is not None and not keep(key):
                continue
            out.append(text[last:end])
            out.append(f" ({full})")
            last = end
    out.append(text[last:])
    return "".join(out)


def replace_abbreviations(text: str) -> str:
    """Each known abbreviation replaced by its full form (the question's plain form)."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        full = full_form(word)
        return full if full is not None else word

    return WORD.sub(replace, text)
