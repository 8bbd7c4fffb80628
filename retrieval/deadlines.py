"""Deadline text ("Quý IV năm 2025", "2023-2025", "Cả năm") and query periods → date ranges."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from retrieval.textnorm import collapse_ws, fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d{2})"
_SEP = r"(?:\s*(?:/|-|,)?\s*(?:nam\s*)?)"

# Order matters: earlier patterns win where matches overlap.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})\s*[/.]\s*(\d{{1,2}})\s*[/.]\s*{_YEAR}\b")),
    ("yq", re.compile(rf"\b{_YEAR}\s*[-/ ]?\s*q([1-4])\b")),
    (
        "quarters",
        re.compile(
            rf"\b(?:quy|q)\s*(iv|iii|ii|i|[1-4])\s*(?:,|-|–|va|den|toi)\s*(?:quy\s*|q\s*)?"
            rf"(iv|iii|ii|i|[1-4])\b(?:{_SEP}{_YEAR}\b)?"
        ),
    ),
    ("quarter", re.compile(rf"\b(?:quy|q)\s*\.?\s*(iv|iii|ii|i|[1-4])\b(?:{_SEP}{_YEAR}\b)?")),
    ("half", re.compile(rf"\b(?:6|sau) thang (dau|cuoi)(?: nam)?(?:{_SEP}{_YEAR}\b)?")),
    ("month", re.compile(rf"\b(?:thang\s*|t(?=\d{{1,2}}\s*/))(\d{{1,2}})(?:{_SEP}{_YEAR}\b)?")),
    ("my", re.compile(rf"(?<![\d/.])\b(\d{{1,2}})\s*/\s*{_YEAR}\b")),
    ("year_range", re.compile(rf"\b(?:nam\s*)?{_YEAR}\s*(?:-|–|—|den)\s*(?:nam\s*)?{_YEAR}\b")),
    ("all_year", re.compile(r"\b(?:ca|hang|trong|suot) nam\b(?!\s*(?:19|20)\d{2})")),
    ("ongoing", re.compile(r"\b(?:thuong xuyen|lien tuc|hang quy|hang thang)\b")),
    ("year", re.compile(rf"(?<![\d/.-])\b(?:nam\s*)?{_YEAR}\b(?![\d/-])")),
]
_BEFORE = re.compile(
    r"(?:\bbefore|\btruoc|\bden het|\bden|\bhan chot|\bcham nhat|\bby)\s*(?:ngay\s*)?:?\s*$"
)
_AFTER = re.compile(r"(?:\bafter|\bsau|\bke tu)\s*(?:ngay\s*)?:?\s*$")


@dataclass(frozen=True)
class DueRange:
    """A deadline as printed plus the date span it denotes (null dates when unknown)."""

    raw: str | None
    due_from: date | None
    due_by: date | None
    kind: str  # quarter, year, range, date, month, half, all_year, ongoing, before, after, unknown, none

    def iso(self) -> tuple[str | None, str | None]:
        """ISO strings for storage/JSON."""
        return (
            self.due_from.isoformat() if self.due_from else None,
            self.due_by.isoformat() if self.due_by else None,
        )


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    year: int | None
    due_from: date | None
    due_by: date | None
    spec: tuple[int, ...] = ()  # quarter/month/half numbers awaiting a year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _span(kind: str, year: int | None, spec: tuple[int, ...]) -> tuple[date | None, date | None]:
    """Dates for a quarter/month/half/year once its year is known."""
    if year is None:
        return None, None
    if kind in ("quarter", "quarters"):
        q1, q2 = spec[0], spec[-1]
        return date(year, 3 * q1 - 2, 1), _month_end(year, 3 * q2)
    if kind == "month":
        m = spec[0]
        if not 1 <= m <= 12:
            return None, None
        return date(year, m, 1), _month_end(year, m)
    if kind == "half":
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if spec[0] == 1
            else (date(year, 7, 1), date(year, 12, 31))
        )
    return date(year, 1, 1), date(year, 12, 31)


def _hit(kind: str, m: re.Match[str]) -> _Hit | None:
    """Turn one regex match into a hit; None when the numbers are impossible."""
    g = m.groups()
    s, e = m.start(), m.end()
    if kind in ("iso", "dmy"):
        y, mo, d = (
            (int(g[0]), int(g[1]), int(g[2]))
            if kind == "iso"
            else (int(g[2]), int(g[1]), int(g[0]))
        )
        day = _safe_date(y, mo, d)
        return _Hit(s, e, "date", y, day, day) if day else None
    if kind == "yq":
        y, q = int(g[0]), int(g[1])
        return _Hit(s, e, "quarter", y, *_span("quarter", y, (q,)), spec=(q,))
    if kind == "quarters":
        q1, q2 = _ROMAN[g[0]], _ROMAN[g[1]]
        if q1 >= q2:
            return None
        y = int(g[2]) if g[2] else None
        return _Hit(s, e, "quarters", y, *_span("quarters", y, (q1, q2)), spec=(q1, q2))
    if kind == "quarter":
        q = _ROMAN[g[0]]
        y = int(g[1]) if g[1] else None
        return _Hit(s, e, "quarter", y, *_span("quarter", y, (q,)), spec=(q,))
    if kind == "half":
        h = 1 if g[0] == "dau" else 2
        y = int(g[1]) if g[1] else None
        return _Hit(s, e, "half", y, *_span("half", y, (h,)), spec=(h,))
    if kind in ("month", "my"):
        mo = int(g[0])
        if not 1 <= mo <= 12:
            return None
        y = int(g[1]) if g[1] else None
        return _Hit(s, e, "month", y, *_span("month", y, (mo,)), spec=(mo,))
    if kind == "year_range":
        a, b = int(g[0]), int(g[1])
        if b < a:
            return None
        return _Hit(s, e, "range", a, date(a, 1, 1), date(b, 12, 31))
    if kind in ("all_year", "ongoing"):
        return _Hit(s, e, kind, None, None, None, spec=(0,))
    y = int(g[0])
    return _Hit(s, e, "year", y, date(y, 1, 1), date(y, 12, 31))


def _scan(folded: str) -> list[_Hit]:
    """All non-overlapping period mentions in folded text, left to right."""
    taken: list[_Hit] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if any(m.start() < h.end and h.start < m.end() for h in taken):
                continue
            hit = _hit(kind, m)
            if hit:
                taken.append(hit)
    return sorted(taken, key=lambda h: h.start)


def _fill_years(hits: list[_Hit], plan_year: int | None) -> list[_Hit]:
    """Give year-less quarters/months/halves the next printed year, else the plan year."""
    out: list[_Hit] = []
    for i, h in enumerate(hits):
        if h.due_by is None and h.spec:
            nxt = next((x for x in hits[i + 1 :] if x.year is not None and x.due_from), None)
            year = nxt.year if nxt is not None else plan_year
            span_kind = "year" if h.kind in ("all_year", "ongoing") else h.kind
            f, b = _span(span_kind, year, h.spec)
            if nxt is not None and year is not None and f and nxt.due_from and f > nxt.due_from:
                year -= 1  # "Quý IV đến Quý II/2024": the earlier period is in the year before
                f, b = _span(span_kind, year, h.spec)
            h = replace(h, year=year, due_from=f, due_by=b)
        out.append(h)
    return out


def _combine(raw: str | None, folded: str, hits: list[_Hit]) -> DueRange:
    """One range from the hits: a single period, or the span from first to last."""
    if len(hits) == 1:
        h = hits[0]
        prefix = folded[: h.start]
        if h.due_by and _BEFORE.search(prefix) and not _AFTER.search(prefix):
            return DueRange(raw, None, h.due_by, "before")
        if h.due_from and _AFTER.search(prefix):
            return DueRange(raw, h.due_from, None, "after")
        return DueRange(raw, h.due_from, h.due_by, "range" if h.kind == "quarters" else h.kind)
    froms = [h.due_from for h in hits if h.due_from]
    bys = [h.due_by for h in hits if h.due_by]
    if not froms or not bys:
        return DueRange(raw, None, None, hits[0].kind)
    return DueRange(raw, min(froms), max(bys), "range")


def parse_deadline(raw: str | None, plan_year: int | None = None) -> DueRange:
    """Printed deadline cell → DueRange; unknown forms keep `raw` with null dates, never raise."""
    try:
        text = collapse_ws(raw)
        if not text:
            return DueRange(raw if raw is None else text or None, None, None, "none")
        folded = fold(text)
        hits = _fill_years(_scan(folded), plan_year)
        if not hits:
            return DueRange(text, None, None, "unknown")
        return _combine(text, folded, hits)
    except Exception:  # noqa: BLE001 — unknown input must never raise
        return DueRange(raw if isinstance(raw, str) else None, None, None, "unknown")


def today() -> date:
    """Today's date; `PLANBOT_TODAY` (ISO date) overrides it so tests and demos are repeatable."""
    override = os.environ.get("PLANBOT_TODAY", "").strip()
    if override:
        try:
            return date.fromisoformat(override)
        except ValueError:
            pass
    return date.today()


UPCOMING_DAYS = 30  # what "sắp đến hạn" (due soon) means when no number of days is given

_RELATIVE: list[tuple[str, re.Pattern[str]]] = [
    ("overdue", re.compile(r"\b(?:qua han|tre han|cham tien do|overdue)\b")),
    (
        "next_days",
        re.compile(
            r"\b(?:trong|toi|next)?\s*(\d{1,3})\s*(?:ngay|days?)\s*(?:toi|sap toi|nua|tiep theo)\b"
        ),
    ),
    ("soon", re.compile(r"\b(?:sap (?:den|toi|het) han|sap phai hoan thanh|due soon|sap den)\b")),
    ("this_month", re.compile(r"\bthang (?:nay|hien tai)\b")),
    ("next_month", re.compile(r"\bthang (?:toi|sau)\b")),
    ("this_quarter", re.compile(r"\bquy (?:nay|hien tai)\b")),
    ("next_quarter", re.compile(r"\bquy (?:toi|sau)\b")),
    ("this_year", re.compile(r"\bnam (?:nay|hien tai)\b")),
]


def relative_period(text: str | None, on: date | None = None) -> DueRange | None:
    """A period relative to today ("quá hạn", "sắp đến hạn", "30 ngày tới", "tháng này", "quý này")."""
    if not text:
        return None
    folded = fold(text)
    day = on or today()
    for kind, pattern in _RELATIVE:
        m = pattern.search(folded)
        if not m:
            continue
        span: tuple[date | None, date | None]
        if kind == "overdue":
            span = (None, day - timedelta(days=1))
        elif kind == "next_days":
            span = (day, day + timedelta(days=int(m.group(1))))
        elif kind == "soon":
            span = (day, day + timedelta(days=UPCOMING_DAYS))
        elif kind in ("this_month", "next_month"):
            y, mo = day.year, day.month + (kind == "next_month")
            y, mo = (y + 1, 1) if mo > 12 else (y, mo)
            span = (date(y, mo, 1), _month_end(y, mo))
        elif kind in ("this_quarter", "next_quarter"):
            q = (day.month - 1) // 3 + (kind == "next_quarter")
            y, q = (day.year + 1, 0) if q > 3 else (day.year, q)
            span = (date(y, 3 * q + 1, 1), _month_end(y, 3 * q + 3))
        else:
            span = (date(day.year, 1, 1), date(day.year, 12, 31))
        return DueRange(m.group(0), span[0], span[1], kind)
    return None


def parse_period(
    text: str | None, plan_year: int | None = None, on: date | None = None
) -> DueRange | None:
    """A period mentioned in a question or CLI option (`Q4/2025`, `quy IV nam 2025`,
    `before:2025-06-30`, or relative to today: `quá hạn`, `30 ngày tới`, `quý này`)."""
    if not text:
        return None
    relative = relative_period(text, on)
    if relative is not None:
        return relative
    r = parse_deadline(text, plan_year)
    if r.due_from is None and r.due_by is None:
        return None
    return r


def overlaps(a: DueRange, b: DueRange) -> bool:
    """True when the two spans share a day; open ends count as unbounded, no dates never overlap."""
    if (a.due_from is None and a.due_by is None) or (b.due_from is None and b.due_by is None):
        return False
    a_from, a_by = a.due_from or date.min, a.due_by or date.max
    b_from, b_by = b.due_from or date.min, b.due_by or date.max
    return a_from <= b_by and b_from <= a_by


# Windows judged by a row's last day: "quá hạn", "N ngày tới", "sắp đến hạn".
DEADLINE_WINDOWS = ("overdue", "next_days", "soon")


def is_ongoing(printed: str | None) -> bool:
    """A deadline printed as continuing work ("Thường xuyên", "Liên tục"): it spans the plan's
    period but sets no day by which the work is due, so it is never overdue nor "due soon"."""
    return bool(printed) and parse_deadline(printed).kind == "ongoing"


def is_past(r: DueRange, today: date) -> bool:
    """True when the whole span ended before `today` (unknown deadlines are never past)."""
    return r.due_by is not None and r.due_by < today


# Everyday names of periods, rewritten to the grammar's words before scanning ("quý đầu năm").
_SYNONYMS = (
    (re.compile(r"\bquy dau(?: tien)?(?: cua)?(?: nam)?\b"), "quy i"),
    (re.compile(r"\bquy cuoi(?: cung)?(?: cua)?(?: nam)?\b"), "quy iv"),
    (re.compile(r"\bnua dau nam\b"), "6 thang dau"),
    (re.compile(r"\bnua cuoi nam\b"), "6 thang cuoi"),
)


@dataclass(frozen=True)
class PeriodMention:
    """One period named in a text: its span in `fold(text)` and the dates it denotes."""

    start: int
    end: int
    period: DueRange


def period_mentions(text: str | None, plan_year: int | None = None) -> list[PeriodMention]:
    """Every absolute period a text names, left to right (offsets in the folded text); year-less
    quarters and months take the next printed year, else `plan_year`."""
    if not text:
        return []
    folded = fold(text)
    for pattern, plain in _SYNONYMS:
        folded = pattern.sub(lambda m, p=plain: p.ljust(len(m.group(0))), folded)  # same offsets
    hits = _fill_years(_scan(folded), plan_year)
    out: list[PeriodMention] = []
    for h in hits:
        raw = folded[h.start : h.end]
        out.append(PeriodMention(h.start, h.end, _combine(raw, folded, [h])))
    return out


_ROMAN_OUT = ("I", "II", "III", "IV")


def period_phrase(r: DueRange) -> str | None:
    """A period in the plans' own words ("quý IV năm 2025", "tháng 12 năm 2025"); None when it
    has no single name."""
    start, end = r.due_from, r.due_by
    if start is None or end is None or start.year != end.year or start.day != 1:
        return None
    if (start.month, end.month, end.day) == (1, 12, 31):
        return f"năm {end.year}"
    if end == _month_end(end.year, end.month):
        months = end.month - start.month + 1
        if months == 1:
            return f"tháng {end.month} năm {end.year}"
        if months == 3 and start.month % 3 == 1:
            return f"quý {_ROMAN_OUT[start.month // 3]} năm {end.year}"
    return None


# How often a duty recurs: "định kỳ (6 tháng)", "hằng/hàng tháng, quý", "mỗi tháng", "6 tháng một
# lần" (not "quy định kỹ thuật").
_UNIT = r"(?:ngay|tuan|thang|quy|nam)"
_RECURRING = re.compile(
    rf"(?<!quy )\bdinh ky\b(?! thuat)(?:\s+(?:hang|moi)\s+{_UNIT}|\s+\d{{1,2}}\s+thang)?"
    rf"(?:\s*(?:,|va|hoac)\s*{_UNIT}\b)*"
    rf"|\b(?:hang|moi)\s+{_UNIT}\b(?:\s*(?:,|va|hoac)\s*{_UNIT}\b)*"
    r"|\b(?:\d{1,2}|sau|ba)\s+thang\s+(?:mot|1)\s+lan\b"
)
# A document's issue date ("Quyết định số 06/QĐ-TTg ngày 06/01/2022", "Hà Nội, ngày 31 tháng
# 12 năm 2024") cites a text; it sets no time for a duty.
_CITED_BEFORE = re.compile(
    r"(?:\bso\s+[\w./&-]+(?:\s*-\s*[\w./&-]+)?|,)\s*,?\s*(?:ngay\s*(?:\d{1,2}\s*)?)?$"
)
_BARE_YEAR = re.compile(r"(?:nam\s*)?(?:19|20)\d{2}")
_DUTY_KINDS = (
    "date",
    "before",
    "after",
    "month",
    "quarter",
    "range",
    "half",
    "ongoing",
    "all_year",
)


def duty_times(text: str | None, plan_year: int | None = None) -> list[tuple[int, int]]:
    """Spans (in `fold(text)`) of phrases saying when or how often a duty falls: recurring words
    ("định kỳ hằng quý") and periods of the grammar above finer than a year ("trước ngày
    15/12", "quý II/2025", "thường xuyên"), but not a cited document's date nor a bare year
    ("đến năm 2030" names a horizon, not a time to act)."""
    if not text:
        return []
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in _RECURRING.finditer(folded)]
    for m in period_mentions(text, plan_year):
        if m.period.kind not in _DUTY_KINDS:
            continue
        if m.period.kind == "range" and not folded[m.start : m.end].startswith("quy"):
            continue  # "2021-2025": a plan's span; "quý I-II" is a time to act
        if _CITED_BEFORE.search(folded[max(0, m.start - 40) : m.start]):
            continue
        if _BARE_YEAR.fullmatch(folded[m.start : m.end]):
            continue  # "đến năm 2030": a horizon
        if not any(a < m.end and m.start < b for a, b in spans):
            spans.append((m.start, m.end))
    return sorted(spans)


def recurs(text: str | None) -> bool:
    """Whether a text says a duty recurs ("định kỳ", "hằng quý", "mỗi tháng")."""
    return bool(text) and _RECURRING.search(fold(text)) is not None
