"""Officials' vocabulary → the plans' words, before any search: abbreviations and "ai" (who).

The rewritten question is used for search and evidence only; answers always show the question as
typed, so nothing here is ever shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.query_text import abbreviations
from retrieval.textnorm import fold

# Abbreviations that are only abbreviations when typed in capitals ("AI" = trí tuệ nhân tạo,
# "ai" = who). The folded table cannot tell them apart, so they live here.
CASE_SENSITIVE = {"AI": "trí tuệ nhân tạo", "IOT": "Internet vạn vật", "IoT": "Internet vạn vật"}
_WORD = re.compile(r"[^\W_]+(?:[&-][^\W_]+)*")
_WHO = re.compile(r"(?<![\w])(?:ai|Ai)(?![\w])")


@dataclass(frozen=True)
class ReadQuestion:
    """The question as typed and the form search and evidence use."""

    typed: str
    plain: str  # abbreviations replaced by full forms, the question word "ai" removed


def _replace(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in CASE_SENSITIVE:
        return CASE_SENSITIVE[word]
    if fold(word) == "ai":
        return word
    full = abbreviations().get(fold(word))
    if full is None:
        # "LĐTB&XH" may be typed "LĐ-TB&XH" or "LDTBXH": try without separators too
        full = abbreviations().get(fold(word).replace("-", "").replace("&", ""))
    return full if full is not None and fold(full) != fold(word) else word


def plain_question(text: str) -> ReadQuestion:
    """Replace abbreviations by what they stand for and drop "ai" (who), keeping other words."""
    replaced = _WORD.sub(_replace, text)
    without_who = _WHO.sub(" ", replaced)
    plain = " ".join(without_who.split())
    return ReadQuestion(text, plain or text)


def expand_passage(text: str) -> str:
    """A passage with each abbreviation followed by its full form, for evidence matching."""
    table = abbreviations()
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        full = CASE_SENSITIVE.get(word) or table.get(fold(word))
        if full is None or fold(full) == fold(word) or fold(word) == "ai":
            continue
        out.append(text[last : match.end()])
        out.append(f" ({full})")
        last = match.end()
    out.append(text[last:])
    return "".join(out)
