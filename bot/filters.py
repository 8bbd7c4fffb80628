"""The one validation of task filters (plan, agency, period, date, kind, text) for CLI, API, web
and chat: bad values become a Vietnamese `FilterError`, never an empty result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, Protocol

from retrieval.deadlines import DEADLINE_WINDOWS, DueRange, is_ongoing, parse_period
from retrieval.kb import RecordFilter, RecordView, parse_before

KINDS = ("task", "model", "indicator")
RELATIVE_KINDS = DEADLINE_WINDOWS  # judged by the row's last day (due_by)
MIN_YEAR, MAX_YEAR = 1990, 2100
PERIOD_EXAMPLES = "ví dụ: 2025Q4, Q4/2025, quý IV năm 2025, tháng 6/2025, quá hạn, 30 ngày tới"
DATE_EXAMPLES = "ví dụ: 2025-06-30, 30/6/2025"


class FilterError(ValueError):
    """A filter value the user must correct; `message` is Vietnamese and safe to show."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class KnowledgeBaseLike(Protocol):
    """What filtering needs from `retrieval.kb.KnowledgeBase`."""

    def document(self, ref: str) -> Any: ...

    def documents(self) -> list[Any]: ...

    def iter_records(self, f: RecordFilter | None = None) -> Any: ...


@dataclass(frozen=True)
class TaskQuery:
    """Validated filters: a RecordFilter plus, for relative periods, the due_by window."""

    record_filter: RecordFilter
    due_after: date | None = None  # rows must end on/after this day (relative periods)
    window: bool = False  # a deadline window ("quá hạn"): rows without a due day are left out
    period_label: str = ""  # how the period was understood, for headings

    def describe(self) -> str:
        """Short Vietnamese summary of the filter for headings and file names."""
        f = self.record_filter
        parts = [
            p
            for p in (
                f.document and f"kế hoạch {f.document}",
                f.lead and f"chủ trì {f.lead}",
                f.coordinating and f"phối hợp {f.coordinating}",
                f.agency and f.agency,
                self.period_label,
                f.kind
                and {"task": "nhiệm vụ", "model": "mô hình", "indicator": "chỉ tiêu"}[f.kind],
                f.text and f"“{f.text}”",
            )
            if p
        ]
        return ", ".join(parts)


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _span_label(r: DueRange) -> str:
    days = [d.strftime("%d/%m/%Y") for d in (r.due_from, r.due_by) if d]
    if r.due_from is None and r.due_by is not None:
        return f"đến {days[0]}"
    return " – ".join(days)


def _check_years(r: DueRange, field: str, raw: str) -> None:
    for d in (r.due_from, r.due_by):
        if d is not None and not MIN_YEAR <= d.year <= MAX_YEAR:
            raise FilterError(field, f"Năm {d.year} trong “{raw}” nằm ngoài phạm vi các kế hoạch.")


def parse_due(value: str | None, on: date | None = None) -> DueRange | None:
    """A period (absolute or relative to today) or a FilterError naming the bad text."""
    raw = _clean(value)
    if raw is None:
        return None
    period = parse_period(raw, on=on)
    if period is None:
        raise FilterError("due", f"Không hiểu khoảng thời gian “{raw}” ({PERIOD_EXAMPLES}).")
    _check_years(period, "due", raw)
    return period


def parse_before_date(value: str | date | None) -> date | None:
    """`2025-06-30`, `30/6/2025` or a period's last day; rejects numbers such as `0`."""
    if value is None or isinstance(value, date):
        return value
    raw = _clean(value)
    if raw is None:
        return None
    found = parse_before(raw)
    if found is None:
        raise FilterError("before", f"Không hiểu ngày “{raw}” ({DATE_EXAMPLES}).")
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        raise FilterError(
            "before", f"Năm {found.year} trong “{raw}” nằm ngoài phạm vi các kế hoạch."
        )
    return found


def known_plans(kb: KnowledgeBaseLike) -> str:
    """ "003 (402/KH-UBND), …" for error messages."""
    return ", ".join(f"{d.id} ({d.number or d.short_name})" for d in kb.documents())


def build_query(
    kb: KnowledgeBaseLike,
    *,
    lead: str | None = None,
    coordinating: str | None = None,
    agency: str | None = None,
    due: str | None = None,
    before: str | date | None = None,
    document: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    on: date | None = None,
) -> TaskQuery:
    """Validate raw filter values (as typed in the CLI, API query or chat) into a TaskQuery."""
    period = parse_due(due, on)
    before_date = parse_before_date(before)
    document = _clean(document)
    if document is not None and kb.document(document) is None:
        raise FilterError(
            "document",
            f"Không tìm thấy kế hoạch “{document}”. Các kế hoạch hiện có: {known_plans(kb)}",
        )
    kind = _clean(kind)
    if kind is not None and kind not in KINDS:
        raise FilterError("kind", f"Loại “{kind}” không hợp lệ (task, model hoặc indicator).")
    due_after: date | None = None
    window = False
    label = ""
    if period is not None:
        label = (
            f"{period.raw or due} ({_span_label(period)})" if period.raw else _span_label(period)
        )
        if period.kind in RELATIVE_KINDS:
            # "quá hạn" / "30 ngày tới": the row's last day falls in the window.
            window = True
            due_after = period.due_from
            ends = period.due_by
            before_date = min(before_date, ends) if before_date and ends else (before_date or ends)
            period = None
    record_filter = RecordFilter(
        lead=_clean(lead),
        coordinating=_clean(coordinating),
        agency=_clean(agency),
        due=period,
        before=before_date,
        document=document,
        kind=kind,
        text=_clean(text),
    )
    return TaskQuery(record_filter, due_after, window=window, period_label=label)


def select(kb: KnowledgeBaseLike, query: TaskQuery, limit: int | None = None) -> list[RecordView]:
    """Records matching a validated query, in document/source order; at most `limit` (the
    scan stops there, so an export never builds more rows than it keeps)."""
    views: Iterator[RecordView] = iter(kb.iter_records(query.record_filter))
    if query.due_after is not None or query.window:
        start = query.due_after.isoformat() if query.due_after else ""
        views = (
            v
            for v in views
            if v.record.due_by and v.record.due_by >= start and not is_ongoing(v.record.deadline)
        )
    return list(views if limit is None else islice(views, limit))
