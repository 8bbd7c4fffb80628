"""Officials' vocabulary → the plans' words, before any search: abbreviations and "ai" (who).

The rewritten question is used for search and evidence only; answers always show the question as
typed, so nothing here is ever shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.abbreviations import replace_abbreviations

_WHO = re.compile(r"(?<![\w])(?:ai|Ai)(?![\w])")


@dataclass(frozen=True)
class ReadQuestion:
    """The question as typed and the form search and evidence use."""

    typed: str
    plain: str  # abbreviations replaced by full forms, the question word "ai" removed


def plain_question(text: str) -> ReadQuestion:
    """Replace abbreviations by what they stand for and drop "ai" (who), keeping other words."""
    replaced = replace_abbreviations(text)
    without_who = _WHO.sub(" ", replaced)
    plain = " ".join(without_who.split())
    return ReadQuestion(text, plain or text)
