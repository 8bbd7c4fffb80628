"""Read a question: what it asks (intent cues), which plan, agency, period and kind it names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from retrieval.deadlines import DueRange, parse_period
from retrieval.models import Document
from retrieval.textnorm import fold

Role = Literal["lead", "coordinating", "any"]

# Cues are matched on the folded (diacritic-free, lower-case) question.
_LIST_RE = re.compile(
    r"\b(?:nhung|cac|liet ke|danh sach)\s+(?:\w+\s+){0,2}?"
    r"(?:nhiem vu|mo hinh|chi tieu|viec|cong viec|nv)\b"
    r"|\b(?:nhiem vu|mo hinh|chi tieu|viec|cong viec)\s+(?:nao|gi)\b"
    r"|\b(?:liet ke|danh sach)\b"
    r"|\bbao nhieu\s+(?:nhiem vu|mo hinh|chi tieu)\b"
)
_OWNER_RE = re.compile(
    r"\b(?:ai|don vi nao|co quan nao|so nao|ben nao|noi nao|dau moi)\b"
    r"|\bchu tri\b|\bphoi hop\b|\bhan\b|\bhan chot\b|\bkhi nao\b|\bbao gio\b"
    r"|\bthoi gian\b|\bthoi han\b|\bxong\b|\bhoan thanh\b|\bgiai doan nao\b|\bquy may\b|\bq may\b"
)
_QUANTITY_RE = re.compile(
    r"\bbao nhieu\b|%|\bphan tram\b|\bty le\b|\bty trong\b|\bmuc phan dau\b|\bphai dat\b"
    r"|\bdat bao\b|\bchi tieu\b|\bmuc tieu\b"
)
_INDICATOR_RE = re.compile(r"\bchi tieu\b|\bty le\b|\bty trong\b|\bphan tram\b|%|\bmuc phan dau\b")
_GUIDANCE_RE = re.compile(
    r"\bthe nao\b|\bra sao\b|\bphai lam gi\b|\btrach nhiem\b|\bnhiem vu gi\b|\bvan ban nao\b"
    r"|\bkh nao\b|\bke hoach nao\b|\bdia chi\b|\bo dau\b|\bnhu the nao\b|\bhuong dan\b"
)
_ROLE_COORD_RE = re.compile(r"\bphoi hop\b|\btham gia phoi hop\b")
_ROLE_LEAD_RE = re.compile(r"\bchu tri\b|\bdau moi\b|\bphu trach\b|\bduoc giao\b|\blam\b")
_KIND_WORDS = {
    "task": re.compile(r"\bnhiem vu\b|\bviec\b|\bcong viec\b"),
    "model": re.compile(r"\bmo hinh\b"),
    "indicator": re.compile(r"\bchi tieu\b"),
}


@dataclass
class QuestionFrame:
    """What the question names, read before any search."""

    text: str
    folded: str
    documents: list[str] = field(default_factory=list)  # Document.id values named
    agencies: list[str] = field(default_factory=list)  # canonical names mentioned
    period: DueRange | None = None
    wants_list: bool = False
    wants_owner: bool = False
    wants_quantity: bool = False
    wants_indicator: bool = False
    wants_guidance: bool = False
    role: Role = "any"
    kinds: list[str] = field(default_factory=list)  # record kinds named: task/model/indicator


def document_mentions(folded: str, documents: list[Document]) -> list[str]:
    """Documents the question names by number ("402"), alias or place ("hung yen")."""
    named: list[str] = []
    for doc in documents:
        keys = [fold(a) for a in doc.aliases]
        number = doc.number.split("/")[0].strip()
        if number.isdigit():
            keys.append(number)
        for key in keys:
            if not key:
                continue
            pattern = r"(?<![\w/])" + re.escape(key) + r"(?![\w/])"
            if re.search(pattern, folded):
                named.append(doc.id)
                break
    return named


def read_question(question: str, documents: list[Document], agency_finder) -> QuestionFrame:
    """Build a QuestionFrame: cues, named plans, agencies (via `agency_finder(text)`), period."""
    folded = fold(question)
    frame = QuestionFrame(text=question, folded=folded)
    frame.documents = document_mentions(folded, documents)
    try:
        frame.agencies = list(agency_finder(question))
    except Exception:  # noqa: BLE001 - a finder problem must not break answering
        frame.agencies = []
    frame.period = _question_period(question)
    frame.wants_list = bool(_LIST_RE.search(folded))
    frame.wants_owner = bool(_OWNER_RE.search(folded))
    frame.wants_quantity = bool(_QUANTITY_RE.search(folded))
    frame.wants_indicator = bool(_INDICATOR_RE.search(folded))
    frame.wants_guidance = bool(_GUIDANCE_RE.search(folded))
    if _ROLE_COORD_RE.search(folded) and not _ROLE_LEAD_RE.search(folded):
        frame.role = "coordinating"
    elif _ROLE_LEAD_RE.search(folded):
        frame.role = "lead"
    frame.kinds = [kind for kind, rx in _KIND_WORDS.items() if rx.search(folded)]
    return frame


_PERIOD_HINT = re.compile(r"\bquy\b|\bq[1-4]\b|\bq\s*[1-4]\s*/|\b20\d\d\s*q[1-4]\b|\bden han\b|\btruoc\b")


def _question_period(question: str) -> DueRange | None:
    """A period the question asks about ("đến hạn Quý IV/2025"), not a plan year in its name."""
    folded = fold(question)
    if not _PERIOD_HINT.search(folded):
        return None
    try:
        return parse_period(question)
    except Exception:  # noqa: BLE001
        return None
