"""Tests for retrieval.deadlines: printed deadlines and query periods → date ranges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retrieval.deadlines import DueRange, is_past, overlaps, parse_deadline, parse_period

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# Deadline forms that legitimately have no dates (none are printed in the corpus tables today).
DOCUMENTED_UNKNOWN: set[str] = set()


def _deadline_cells(path: Path) -> set[str]:
    """Distinct deadline cells of a tab-separated table: the column headed 'Thời gian…'.

    Continuation pieces (all cells before the deadline column empty) are skipped: the parser
    joins them to the row above.
    """
    values: set[str] = set()
    layout: tuple[int, int] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        heads = [i for i, c in enumerate(cells) if c.strip().startswith("Thời gian")]
        if heads and len(cells) > 2:
            layout = (len(cells), heads[0])
            continue
        if layout and len(cells) == layout[0]:
            value = cells[layout[1]].strip()
            if value and any(c.strip() for c in cells[: layout[1]][:2]):
                values.add(value)
    return values


@pytest.fixture(scope="module")
def corpus_deadlines() -> set[str]:
    """Every distinct deadline string printed in the corpus appendix tables."""
    found: set[str] = set()
    for path in sorted(CORPUS.glob("*.txt")):
        found |= _deadline_cells(path)
    return found


def test_corpus_has_deadline_cells(corpus_deadlines: set[str]) -> None:
    assert {"Quý IV năm 2025", "2023-2025", "Cả năm"} <= corpus_deadlines


def test_every_corpus_deadline_parses(corpus_deadlines: set[str]) -> None:
    bad = [
        v
        for v in sorted(corpus_deadlines - DOCUMENTED_UNKNOWN)
        if None in (parse_deadline(v, 2025).due_from, parse_deadline(v, 2025).due_by)
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("raw", "start", "end", "kind"),
    [
        ("Quý IV năm 2025", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("Quý IV Năm 2025", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("Quý II năm 2025", date(2025, 4, 1), date(2025, 6, 30), "quarter"),
        ("Quý IV/2023", date(2023, 10, 1), date(2023, 12, 31), "quarter"),
        ("Quý III/2024", date(2024, 7, 1), date(2024, 9, 30), "quarter"),
        ("Q4/2025", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("2023-2025", date(2023, 1, 1), date(2025, 12, 31), "range"),
        ("2023-2024", date(2023, 1, 1), date(2024, 12, 31), "range"),
        ("Từ Quý IV/2023 đến Quý II/2024", date(2023, 10, 1), date(2024, 6, 30), "range"),
        ("Quý IV/2023 đến Quý II/2024", date(2023, 10, 1), date(2024, 6, 30), "range"),
        ("Năm 2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        (
            "Năm 2025 (Hoàn thành việc lựa chọn đơn vị)",
            date(2025, 1, 1),
            date(2025, 12, 31),
            "year",
        ),
        ("Tháng 6/2025", date(2025, 6, 1), date(2025, 6, 30), "month"),
        ("Đến hết ngày 30/9/2026", None, date(2026, 9, 30), "before"),
    ],
)
def test_parse_deadline_forms(raw: str, start: date | None, end: date, kind: str) -> None:
    r = parse_deadline(raw)
    assert (r.raw, r.due_from, r.due_by, r.kind) == (raw, start, end, kind)


@pytest.mark.parametrize("raw", ["Cả năm", "Cá năm", "Thường xuyên"])
def test_plan_year_forms_need_plan_year(raw: str) -> None:
    assert parse_deadline(raw).due_by is None
    r = parse_deadline(raw, plan_year=2025)
    assert (r.due_from, r.due_by) == (date(2025, 1, 1), date(2025, 12, 31))


def test_first_half_uses_plan_year() -> None:
    r = parse_deadline("6 tháng đầu năm", plan_year=2024)
    assert (r.due_from, r.due_by, r.kind) == (date(2024, 1, 1), date(2024, 6, 30), "half")


@pytest.mark.parametrize("raw", ["Theo tiến độ dự án", "31/02/2025", "Quý V/2025", "???"])
def test_unknown_forms_keep_raw(raw: str) -> None:
    r = parse_deadline(raw)
    assert r.raw == raw and r.due_from is None and r.due_by is None


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_deadline_is_none_kind(raw: str | None) -> None:
    assert parse_deadline(raw).kind == "none"


def test_parse_deadline_never_raises_on_junk() -> None:
    assert parse_deadline(123).kind == "unknown"  # type: ignore[arg-type]


def test_iso_helper() -> None:
    assert parse_deadline("Quý I năm 2025").iso() == ("2025-01-01", "2025-03-31")


@pytest.mark.parametrize(
    "text",
    [
        "2025Q4",
        "Q4/2025",
        "quý 4/2025",
        "quy IV nam 2025",
        "quý IV năm 2025",
        "việc nào hạn Q4 2025?",
    ],
)
def test_parse_period_quarter(text: str) -> None:
    r = parse_period(text)
    assert r is not None and (r.due_from, r.due_by) == (date(2025, 10, 1), date(2025, 12, 31))


@pytest.mark.parametrize("text", ["năm 2025", "nam 2025", "2025"])
def test_parse_period_year(text: str) -> None:
    r = parse_period(text)
    assert r is not None and (r.due_from, r.due_by, r.kind) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        "year",
    )


@pytest.mark.parametrize("text", ["trước 30/6/2025", "truoc 30/6/2025", "before:2025-06-30"])
def test_parse_period_before(text: str) -> None:
    r = parse_period(text)
    assert r is not None and (r.due_from, r.due_by, r.kind) == (None, date(2025, 6, 30), "before")


@pytest.mark.parametrize(
    "text", ["ai chu tri he thong soc", "kế hoạch 402 giao ai", "người 18–65 tuổi, 40 Mbps", ""]
)
def test_parse_period_none(text: str) -> None:
    assert parse_period(text) is None


def test_overlaps() -> None:
    q4 = parse_deadline("Quý IV năm 2025")
    assert overlaps(q4, parse_deadline("Năm 2025"))
    assert not overlaps(q4, parse_deadline("2023-2024"))
    assert overlaps(parse_deadline("2023-2025"), parse_deadline("Quý III/2024"))
    assert overlaps(parse_deadline("before:2025-12-01"), q4)
    assert not overlaps(parse_deadline("before:2025-09-30"), q4)
    assert not overlaps(parse_deadline("Cả năm"), q4)  # no dates: never overlaps


def test_is_past() -> None:
    r = parse_deadline("Quý IV/2023")
    assert is_past(r, date(2024, 1, 1))
    assert not is_past(r, date(2023, 12, 31))
    assert not is_past(DueRange("?", None, None, "unknown"), date(2030, 1, 1))


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("Quý I, II năm 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("Quý I-II/2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("Quý IV đến Quý II/2024", date(2023, 10, 1), date(2024, 6, 30)),
        ("Tháng 11 đến tháng 2/2025", date(2024, 11, 1), date(2025, 2, 28)),
    ],
)
def test_multi_period_ranges(raw: str, start: date, end: date) -> None:
    r = parse_deadline(raw)
    assert (r.due_from, r.due_by, r.kind) == (start, end, "range")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("nhiệm vụ nào quá hạn", (None, "2025-11-25")),
        ("viec nao sap den han", ("2025-11-26", "2025-12-26")),
        ("trong 7 ngày tới", ("2025-11-26", "2025-12-03")),
        ("tháng này", ("2025-11-01", "2025-11-30")),
        ("quy nay", ("2025-10-01", "2025-12-31")),
        ("quý sau", ("2026-01-01", "2026-03-31")),
        ("năm nay", ("2025-01-01", "2025-12-31")),
    ],
)
def test_relative_periods_count_from_today(text: str, span: tuple[str | None, str]) -> None:
    """Relative phrases become spans around the given day (PLANBOT_TODAY in production)."""
    from datetime import date

    from retrieval.deadlines import parse_period

    got = parse_period(text, 2025, on=date(2025, 11, 26))
    assert got is not None
    assert got.iso() == span


def test_today_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """PLANBOT_TODAY fixes today for tests and demos; a bad value falls back to the clock."""
    from datetime import date

    from retrieval.deadlines import today

    monkeypatch.setenv("PLANBOT_TODAY", "2025-06-30")
    assert today() == date(2025, 6, 30)
    monkeypatch.setenv("PLANBOT_TODAY", "not a date")
    assert today() == date.today()
