"""Read a question: what it asks (intent cues), which plan, agency, period and kind it names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from retrieval.abbreviations import replace_abbreviations
from retrieval.deadlines import DueRange, PeriodMention, period_mentions, relative_period, today
from retrieval.models import Document
from retrieval.query_text import has_diacritics
from retrieval.textnorm import fold, nfc

Role = Literal["lead", "coordinating", "any"]

# Cues are matched on the folded (diacritic-free, lower-case) question.
_LIST_RE = re.compile(
    r"\b(?:nhung|cac|liet ke|danh sach)\s+(?:\w+\s+){0,2}?"
    r"(?:nhiem vu|mo hinh|chi tieu|viec|cong viec|nv)\b"
    r"|\b(?:nhiem vu|mo hinh|chi tieu|viec|cong viec)\s+nao\b"
    r"|\b(?:liet ke|danh sach)\b"
    r"|\bbao nhieu\s+(?:nhiem vu|mo hinh|chi tieu)\b"
    r"|\b(?:chu tri|phoi hop|phu trach|dau moi)\s+(?:nhung\s+)?(?:gi|viec gi|cai gi)\b"
)
# "việc gì đến hạn Q2/2025": with a period, "… gì" asks for every row due then.
_PERIOD_LIST_RE = re.compile(r"\b(?:viec|cong viec|nhiem vu|mo hinh|chi tieu|nv)\s+(?:gi|nao)\b")
# "trước lúc nào", "tháng nào": a row's deadline is a month, quarter or year; "ngày nào" asks
# for a day, which plans print in body clauses ("báo cáo trước ngày 15/12"), not rows.
# Shared with the follow-up fields (answerers/follow_up.py).
WHEN_ASKED = r"\b(?:luc|thoi diem|thang|nam|quy) nao\b"
_OWNER_RE = re.compile(
    r"\b(?:ai|don vi nao|co quan nao|so nao|ben nao|noi nao|dau moi)\b"
    r"|\bchu tri\b|\bphoi hop\b|\bhan\b|\bhan chot\b|\bkhi nao\b|\bbao gio\b"
    rf"|{WHEN_ASKED}"
    r"|\bthoi gian\b|\bthoi han\b|\bxong\b|\bhoan thanh\b|\bgiai doan nao\b|\bquy may\b|\bq may\b"
)
# The question asks when or how often (not who): a time a clause may state ("định kỳ hằng
# quý", "trước ngày 15/12") as well as a row's deadline.
_TIME_RE = re.compile(
    r"\bkhi nao\b|\bbao gio\b|\bhan\b|\bthoi han\b|\bngay nao\b|\bbao lau\b|\bmay lan\b"
    rf"|\bthoi gian\b|{WHEN_ASKED}"
)
# How often: a row's deadline is one period, a clause can say "định kỳ hằng quý".
_FREQUENCY_RE = re.compile(
    r"\bbao lau\b.*\bmot lan\b|\bmay lan\b|\bdinh ky\b|\bhang (?:tuan|thang|quy)\b"
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
_ROLE_LEAD_RE = re.compile(r"\bchu tri\b|\bdau moi\b|\bphu trach\b|\bduoc giao\b")
# "làm" (does) folds to "lam", as the place "Lâm Hà" does: read it with its diacritics when the
# question has them
_DOES = re.compile(r"(?<!\w)làm(?!\w)", re.IGNORECASE)
_DOES_BARE = re.compile(r"\blam\b")


def _asks_who_does(question: str, folded: str) -> bool:
    """A lead cue ("chủ trì", "đầu mối", "làm" …) in the question."""
    if _ROLE_LEAD_RE.search(folded):
        return True
    return bool(
        _DOES.search(nfc(question)) if has_diacritics(question) else _DOES_BARE.search(folded)
    )


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
    places: list[str] = field(default_factory=list)  # plans whose place the question names
    agencies: list[str] = field(default_factory=list)  # canonical names mentioned
    period: DueRange | None = None
    wants_list: bool = False
    wants_owner: bool = False
    wants_quantity: bool = False
    wants_indicator: bool = False
    wants_guidance: bool = False
    wants_time: bool = False  # asks when / how often (or names a recurrence)
    wants_frequency: bool = False  # asks how often ("bao lâu … một lần", "định kỳ", "hằng quý")
    role: Role = "any"
    kinds: list[str] = field(default_factory=list)  # record kinds named: task/model/indicator


def _title_bigrams(text: str) -> set[str]:
    toks = re.findall(r"[a-z0-9]+", fold(text))
    return {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)}


def doc_place(doc: Document) -> str:
    """The place a plan belongs to, from its issuer ("UBND thành phố Hà Nội" → "ha noi")."""
    m = re.search(
        r"(?:thanh pho|tinh|huyen|quan|xa|phuong)\s+([a-z ]+?)(?:\s*\(|$)", fold(doc.issuer)
    )
    return m.group(1).strip() if m else ""


def _doc_years(doc: Document) -> set[str]:
    years = set(re.findall(r"(?:19|20)\d{2}", doc.title))
    if doc.date:
        years.add(doc.date[:4])
    return years


def _names_number(folded: str, number: str) -> bool:
    """The question names the plan's number: bare ("kế hoạch 402") or with its own symbol
    ("402/KH-UBND"), but not another document's ("402/QĐ-UBND") nor a date ("402/2025")."""
    head, _, symbol = fold(number).partition("/")
    head = head.strip()
    if not head.isdigit():
        return False
    symbol = symbol.split("(")[0].strip()
    tail = rf"(?:/{re.escape(symbol)})?" if symbol else ""
    return re.search(rf"(?<![\w/]){head}{tail}(?![\w/])", folded) is not None


def document_mentions(folded: str, documents: list[Document]) -> list[str]:
    """Plans the question names: by number ("402"), alias, year, place and distinctive title words."""
    if not documents:
        return []
    all_titles = [_title_bigrams(d.title) for d in documents]
    common = set.intersection(*all_titles) if all_titles else set()
    q_bigrams = _title_bigrams(folded)
    q_years = set(re.findall(r"(?:19|20)\d{2}", folded))
    scores: dict[str, float] = {}
    for doc, title in zip(documents, all_titles, strict=True):
        score = 0.0
        if _names_number(folded, doc.number):
            score += 3
        for alias in doc.aliases:
            key = fold(alias)
            if (
                key
                and not key.isdigit()
                and re.search(rf"(?<![\w/]){re.escape(key)}(?![\w/])", folded)
            ):
                score += 2
                break
        if q_years & _doc_years(doc):
            score += 1.5
        if score == 0:  # place and title words only support a number, an alias or a year
            scores[doc.id] = 0.0
            continue
        place = doc_place(doc)
        if place and re.search(rf"\b{re.escape(place)}\b", folded):
            score += 1
        score += 0.5 * len((title - common) & q_bigrams)
        scores[doc.id] = score
    best = max(scores.values())
    if best < 2:
        return []
    return [doc_id for doc_id, score in scores.items() if score == best]


def place_documents(folded: str, documents: list[Document]) -> list[str]:
    """Plans issued for a place the question names ("ở Hà Nội", "tỉnh Thanh Hóa"), when that
    place is not every plan's."""
    found = [
        d.id
        for d in documents
        if doc_place(d) and re.search(rf"\b{re.escape(doc_place(d))}\b", folded)
    ]
    return found if len(found) < len(documents) else []


def read_question(
    question: str,
    documents: list[Document],
    agency_finder: Callable[[str], list[str]],
    on: date | None = None,
) -> QuestionFrame:
    """Build a QuestionFrame: cues, named plans, agencies (via `agency_finder(text)`), period."""
    folded = fold(question)
    frame = QuestionFrame(text=question, folded=folded)
    # A period the question asks about ("hạn Quý IV/2025") does not name a plan by its year.
    frame.documents = document_mentions(_without_periods(folded), documents)
    try:
        frame.agencies = list(agency_finder(question))
    except Exception:  # noqa: BLE001 - a finder problem must not break answering
        frame.agencies = []
    frame.period = question_period(question, _plan_year(frame.documents, documents), on)
    # cues read with shorthand spelt out ("chủ trì bn nhiệm vụ", "tgian hoàn thành")
    cues = fold(replace_abbreviations(question))
    frame.wants_list = bool(_LIST_RE.search(cues)) or bool(
        frame.period is not None and _PERIOD_LIST_RE.search(cues)
    )
    frame.wants_owner = bool(_OWNER_RE.search(cues))
    frame.wants_quantity = bool(_QUANTITY_RE.search(cues))
    frame.wants_indicator = bool(_INDICATOR_RE.search(cues))
    frame.wants_guidance = bool(_GUIDANCE_RE.search(cues))
    frame.wants_frequency = bool(_FREQUENCY_RE.search(cues))
    frame.wants_time = frame.wants_frequency or bool(_TIME_RE.search(cues))
    leads = _asks_who_does(question, cues)
    if _ROLE_COORD_RE.search(cues) and not leads:
        frame.role = "coordinating"
    elif leads:
        frame.role = "lead"
    frame.kinds = [kind for kind, rx in _KIND_WORDS.items() if rx.search(cues)]
    return frame


# A period filter needs a cue that the question is about deadlines, not a plan's year.
_PERIOD_HINT = re.compile(
    r"\bquy\b|\bq[1-4]\b|\bq\s*[1-4]\s*/|\b20\d\d\s*q[1-4]\b|\bden han\b|\btruoc\b|\bthang\b"
    r"|\bt\d{1,2}\s*/|\bhan\b|\bnua (?:dau|cuoi)\b|\b(?:6|sau) thang\b"
)
_DEADLINE_YEAR = re.compile(r"(?:\bden han|\bhan|\btruoc|\bden het)\s*(?:trong\s*)?(?:nam\s*)?$")
_ANY_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


def _deadline_mentions(folded: str, plan_year: int | None) -> list[PeriodMention]:
    """Periods the question asks about: quarters, months, halves, dates, and years only when
    introduced as a deadline ("hạn năm 2025") — not the year in a plan's name."""
    out = []
    for m in period_mentions(folded, plan_year):
        if m.period.kind in ("year", "range") and not _DEADLINE_YEAR.search(folded[: m.start]):
            continue
        if m.period.kind in ("all_year", "ongoing", "unknown", "none"):
            continue
        out.append(m)
    return out


def _without_periods(folded: str) -> str:
    """The folded question with deadline phrases blanked out."""
    for m in reversed(_deadline_mentions(folded, None)):
        folded = folded[: m.start] + " " * (m.end - m.start) + folded[m.end :]
    return folded


def _plan_year(named: list[str], documents: list[Document]) -> int | None:
    """The year a named plan is for: the year in its title, else the year it was issued."""
    for doc in documents:
        if doc.id in named:
            years = _ANY_YEAR.findall(doc.title)
            if years:
                return int(years[-1])
            if doc.date:
                return int(doc.date[:4])
    return None


def question_period(
    question: str, plan_year_hint: int | None = None, on: date | None = None
) -> DueRange | None:
    """The period a question asks about ("đến hạn Quý IV/2025", "sắp đến hạn", "tháng này"),
    relative ones counted from `on` (today); not a plan year in its name."""
    folded = fold(question)
    relative = relative_period(folded, on or today())
    if relative is not None and relative.kind != "this_year":
        return relative
    if not _PERIOD_HINT.search(folded):
        return relative
    years = _ANY_YEAR.findall(folded)
    plan_year = int(years[-1]) if years else plan_year_hint
    for m in _deadline_mentions(folded, plan_year):
        if m.period.due_by is not None:
            return m.period
    return relative
