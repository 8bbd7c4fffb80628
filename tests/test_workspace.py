"""Officials' workspace without servers: shared filter validation, XLSX/CSV exports, feedback,
subscriptions, paging, deadline digests, neighbouring rows and example questions."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.digest import build_digest
from bot.examples import web_intro
from bot.exports import HEADERS, content_disposition, export_items, to_csv
from bot.feedback import FeedbackIn, FeedbackStore
from bot.filters import FilterError, build_query, select
from bot.neighbours import record_context
from bot.paging import PageStore
from bot.subscriptions import SubscriptionStore
from retrieval.kb import KnowledgeBase, RecordFilter, record_json
from retrieval.service import KnowledgeService

SKHCN = "Sở Khoa học và Công nghệ"


# -- filters ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("due", "Q9/2025", "Q9/2025"),
        ("due", "hôm kia nào đó", "khoảng thời gian"),
        ("before", "0", "“0”"),
        ("before", "1850-01-01", "1850"),
        ("document", "999", "Các kế hoạch hiện có"),
        ("kind", "cat", "không hợp lệ"),
    ],
)
def test_bad_filters_are_rejected_in_vietnamese(
    kb: KnowledgeBase, field: str, value: str, words: str
) -> None:
    with pytest.raises(FilterError) as caught:
        build_query(kb, **{field: value})
    assert caught.value.field == field
    assert words in caught.value.message


def test_relative_periods_use_the_rows_last_day(kb: KnowledgeBase) -> None:
    on = date(2025, 11, 20)
    overdue = select(kb, build_query(kb, due="quá hạn", on=on))
    assert overdue and all(v.record.due_by < "2025-11-20" for v in overdue)
    soon = select(kb, build_query(kb, due="60 ngày tới", on=on))
    assert soon and all("2025-11-20" <= v.record.due_by <= "2026-01-19" for v in soon)
    # the absolute grammar is unchanged: overlapping spans, as `--due` always did
    quarter = select(kb, build_query(kb, due="Q4/2025"))
    assert len(quarter) == len(list(kb.iter_records(RecordFilter(due="Q4/2025"))))


def test_cli_rejects_what_the_api_rejects(kb_path: Path) -> None:
    for args in (["--due", "Q9/2025"], ["--before", "0"], ["--document", "999"]):
        result = CliRunner().invoke(main, ["tasks", "--index-dir", str(kb_path.parent), *args])
        assert result.exit_code == 2, args
        assert "Lỗi --" in result.stderr


# -- exports ------------------------------------------------------------------------------------
def test_xlsx_has_the_rows_headers_frozen_pane_and_filter(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    query = build_query(kb, lead=SKHCN)
    items = [record_json(v) for v in select(kb, query)]
    assert any(i["inherited"] for i in items)  # successor includes predecessors' rows
    path = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        main, ["tasks", "--index-dir", str(kb.path.parent), "--lead", SKHCN, "--xlsx", str(path)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [r[HEADERS.index("Mã")] for r in rows[1:]] == [i["id"] for i in items]
    assert [r[HEADERS.index("Nhiệm vụ")] for r in rows[1:]] == [i["content"] for i in items]
    renamed = [r for r in rows[1:] if "(nay là" in (r[HEADERS.index("Chủ trì")] or "")]
    assert renamed, "successor names are shown as “nay là …”"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(rows)}"
    assert sheet.column_dimensions["C"].width >= 40


def test_csv_export_is_excel_friendly() -> None:
    item = {
        "id": "003:I.1 1",
        "content": '=HYPERLINK("x")',
        "lead": ["Sở Thông tin và Truyền thông"],
        "lead_current": ["Sở Khoa học và Công nghệ"],
        "citation": {"title": "Kế hoạch 402/KH-UBND", "location": "Phụ lục 2, mục I.1, nhiệm vụ 1"},
    }
    data = to_csv([item])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS
    assert rows[1][2] == '\'=HYPERLINK("x")'  # no formula injection
    assert rows[1][3] == "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)"


def test_file_name_is_vietnamese_with_ascii_fallback() -> None:
    exported = export_items([], "xlsx", "Sở Nội vụ, quá hạn", on=date(2025, 12, 1))
    assert exported.filename == "Nhiệm vụ Sở Nội vụ, quá hạn 2025-12-01.xlsx"
    header = content_disposition(exported.filename)
    assert header.startswith('attachment; filename="nhiem-vu-so-noi-vu-qua-han-2025-12-01.xlsx"')
    assert unquote(header.split("filename*=UTF-8''")[1]) == exported.filename
    header.encode("latin-1")  # a valid HTTP header value


# -- feedback, subscriptions, paging ------------------------------------------------------------
def test_feedback_is_stored_privately_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    store = FeedbackStore(path)
    store.add(FeedbackIn(question="Ai chủ trì SOC?", rating="up"), "web")
    store.add(FeedbackIn(question="Hạn nộp?", rating="down", comment="sai  hạn"), "http")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = store.recent()
    assert [r.rating for r in rows] == ["down", "up"]
    assert rows[0].comment == "sai hạn"
    assert [r.question for r in store.recent(rating="up")] == ["Ai chủ trì SOC?"]
    store.close()
    result = CliRunner().invoke(main, ["feedback", "--file", str(path)])
    assert result.exit_code == 0
    assert "👎" in result.output and "góp ý: sai hạn" in result.output


def test_subscriptions_and_pages_survive_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    subs = SubscriptionStore(path)
    assert subs.add("telegram", "-100", SKHCN, "so khcn")
    assert not subs.add("telegram", "-100", SKHCN, "Sở KH&CN")
    pages = PageStore(path)
    first = pages.start("telegram", "-100", ["một", "hai", "ba"])
    assert (first.number, first.total, first.has_more) == (1, 3, True)
    assert "(trang 1/3) tiếp" in first.footer("tiếp")
    again = PageStore(path)  # e.g. `planbot digest` wrote, the server continues
    assert again.next("telegram", "-100", "stale-token") is None
    second = again.next("telegram", "-100", first.token)
    assert second is not None and second.text == "hai"
    assert again.next("telegram", "-100").text == "ba"
    assert again.next("telegram", "-100") is None
    assert [s.agency for s in SubscriptionStore(path).for_chat("telegram", "-100")] == [SKHCN]
    assert subs.remove("telegram", "-100") == [SKHCN]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_choice_offers_by_token_latest_and_expiry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.paging as paging

    store = PageStore(tmp_path / "state.sqlite")
    old = store.offer("telegram", "7", ["A (theo KH 1)", "A (theo KH 2)"], keep_older=True)
    new = store.offer("telegram", "7", ["B (theo KH 1)"], keep_older=True)
    assert store.pick("telegram", "7", 1, old) == "A (theo KH 2)"  # older buttons still work
    assert store.pick("telegram", "7", 0) == "B (theo KH 1)"  # a number picks from the latest
    assert store.pick("telegram", "7", 1) is None and store.pick("telegram", "8", 0) is None
    store.offer("zalo_bot", "7", [], keep_older=False)  # another channel: untouched
    assert store.pick("telegram", "7", 0, new) == "B (theo KH 1)"
    store.offer("telegram", "7", [], keep_older=False)  # an answer without options clears them
    assert store.pick("telegram", "7", 0, new) is None
    store.offer("zalo_oa", "9", ["C"], keep_older=False)
    now = paging.time.time()
    monkeypatch.setattr(paging.time, "time", lambda: now + paging.CHOICE_TTL_SECONDS + 1)
    assert store.pick("zalo_oa", "9", 0) is None  # the conversation window has passed


# -- digest, neighbours, examples ---------------------------------------------------------------
def test_digest_groups_overdue_and_due_soon_by_plan(kb: KnowledgeBase) -> None:
    on = date(2025, 12, 10)
    digest = build_digest(kb, SKHCN, on, days=30)
    assert digest.overdue and digest.due_soon
    assert all(i["due_by"] < "2025-12-10" for i in digest.overdue)
    assert all("2025-12-10" <= i["due_by"] <= "2026-01-09" for i in digest.due_soon)
    text = digest.text()
    assert text.index("ĐẾN HẠN") < text.index("QUÁ HẠN")
    assert "📄 Kế hoạch" in text and "Nguồn: Phụ lục" in text
    empty = build_digest(kb, SKHCN, date(2040, 1, 1), days=5)
    assert empty.due_soon == []


def test_neighbours_are_the_rows_around_it_in_the_same_appendix(kb: KnowledgeBase) -> None:
    views = [v for v in kb.iter_records(RecordFilter(document="402", kind="task"))]
    middle = views[len(views) // 2].record
    context = record_context(kb, middle.id, around=2)
    assert context is not None
    ids = [r["id"] for r in context.rows]
    assert len(ids) == 5 and ids[context.position] == middle.id
    assert context.rows[context.position]["current"]
    assert {kb.record(i).record.appendix for i in ids} == {middle.appendix}
    assert context.record["citation"]["quote"] == (middle.quote or middle.content)
    assert context.plan.number.startswith("402")
    assert record_context(kb, "003:nope") is None


def test_example_questions_come_from_the_loaded_rows(kb: KnowledgeBase) -> None:
    intro = web_intro(kb)
    assert {p.id for p in intro.plans} == {d.id for d in kb.documents()}
    assert 2 <= len(intro.examples) <= 4
    contents = " ".join(v.record.content.lower() for v in kb.iter_records(RecordFilter()))
    first = intro.examples[0].removeprefix("Ai chủ trì ").removesuffix("? Hạn khi nào?")
    assert first.lower() in contents


def test_digest_send_reports_a_chat_it_cannot_reach(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PLANBOT_ZALO_APP_ID", "PLANBOT_ZALO_OA_SECRET", "PLANBOT_ZALO_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    state = tmp_path / "state.sqlite"
    SubscriptionStore(state).add("zalo_oa", "oa-user-9", SKHCN, "so khcn")
    args = ["digest", "--send", "--today", "2025-12-10", "--days", "30", "--state", str(state)]
    result = CliRunner().invoke(main, [*args, "--index-dir", str(kb.path.parent)])
    assert result.exit_code == 1
    assert "zalo_oa oa-user-9: LỖI chưa cấu hình Zalo OA" in result.output
    assert "Đã gửi 0/1 bản tin." in result.output


def test_han_overdue_lists_every_row_that_ended_before_today(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.channels.listing import due_tasks_text

    monkeypatch.setenv("PLANBOT_TODAY", "2025-07-01")

    class Holder:
        pass

    holder = Holder()
    holder.service = KnowledgeService(kb)  # type: ignore[attr-defined]
    text = due_tasks_text(holder, "quá hạn Sở Nội vụ")
    overdue = [
        v for v in select(kb, build_query(kb, agency="Sở Nội vụ", due="quá hạn")) if v.record.due_by
    ]
    assert overdue and f"({len(overdue)}):" in text


# -- review: export safety and bounds -----------------------------------------------------------
@pytest.mark.parametrize("cell", ["\t=1+1", "\r=cmd|' /C calc'!A0", "=1", "+1", "-1+2", "@SUM(A1)"])
def test_csv_neutralises_every_formula_trigger(cell: str) -> None:
    """OWASP CSV injection: =, +, -, @, tab and carriage return at the start of a cell."""
    rows = list(csv.reader(io.StringIO(to_csv([{"content": cell}]).decode("utf-8-sig"))))
    assert rows[1][2].startswith("'"), rows[1][2]


def test_export_is_bounded_and_says_it_was_cut(kb: KnowledgeBase) -> None:
    from bot.exports import export_query

    query = build_query(kb)
    total = len(select(kb, query))
    exported = export_query(kb, query, "csv", limit=3)
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert exported.rows == 3 and exported.truncated and total > 3
    whole = export_query(kb, query, "csv", limit=total)
    assert whole.rows == total and not whole.truncated


def test_chat_export_is_bounded(kb: KnowledgeBase, tmp_path: Path, monkeypatch) -> None:
    """`/xuat` builds at most MAX_EXPORT_ROWS rows (like the API) and tells the official."""
    import bot.exports
    from bot.channels.workspace import ChatWorkspace

    monkeypatch.setattr(bot.exports, "MAX_EXPORT_ROWS", 2)
    result = ChatWorkspace(tmp_path / "state.sqlite").export(kb, SKHCN)
    assert result.file is not None
    sheet = load_workbook(io.BytesIO(result.file.data)).active
    assert sheet.max_row == 1 + 2
    assert "2 dòng đầu" in result.text


def test_state_and_feedback_files_and_side_files_are_private(tmp_path: Path) -> None:
    """Chat state (chat ids, pending pages) and feedback: 0600, WAL side files included, even
    when an older file was left 0644."""
    import os

    from bot.securefile import connect_private

    loose = tmp_path / "state.sqlite"
    loose.touch()
    os.chmod(loose, 0o644)
    SubscriptionStore(loose).add("telegram", "1", SKHCN, "x")
    PageStore(loose).start("telegram", "1", ["a", "b"])
    FeedbackStore(tmp_path / "feedback.sqlite").add(FeedbackIn(question="q", rating="up"), "web")
    conn = connect_private(tmp_path / "plain.sqlite", wal=False)
    conn.execute("CREATE TABLE t (x)")
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


def test_pages_expire_after_their_ttl(tmp_path: Path) -> None:
    """`/tiep` a week later gets "no more pages", not a stale page of an old list."""
    import bot.paging

    now = [1_000_000.0]
    store = PageStore(tmp_path / "state.sqlite", clock=lambda: now[0])
    store.start("zalo_oa", "u1", ["một", "hai", "ba"])
    assert store.next("zalo_oa", "u1").text == "hai"
    now[0] += bot.paging.PAGE_TTL_SECONDS + 1
    assert store.next("zalo_oa", "u1") is None


@pytest.mark.parametrize(("on", "days"), [(date(2025, 12, 10), 30), (date(2025, 6, 30), 1)])
def test_digest_windows_are_the_period_grammars(kb: KnowledgeBase, on: date, days: int) -> None:
    """The digest's "quá hạn" and "N ngày tới" are exactly what `/v1/tasks?due=` and `/han` list
    (retrieval/deadlines.py `relative_period`), including the boundary days."""
    digest = build_digest(kb, SKHCN, on, days=days)

    def ids(due: str) -> set[str]:
        found: set[str] = set()
        for role in ("lead", "coordinating"):
            query = build_query(kb, **{role: SKHCN}, due=due, on=on)
            found |= {v.record.id for v in select(kb, query) if v.record.kind != "indicator"}
        return found

    assert {i["id"] for i in digest.overdue} == ids("quá hạn")
    assert {i["id"] for i in digest.due_soon} == ids(f"{days} ngày tới")
    assert all(i["due_by"] < on.isoformat() for i in digest.overdue)


def test_chat_state_file_stays_put_when_an_unrelated_setting_is_bad(
    tmp_path: Path, monkeypatch
) -> None:
    """Server and `planbot digest` find the same subscriptions: a bad API key (a setting chat does
    not use) must not move the state file from beside the query log to the index folder."""
    from bot.channels.workspace import public_tasks_link
    from bot.subscriptions import state_path

    monkeypatch.delenv("PLANBOT_CHAT_STATE_PATH", raising=False)
    monkeypatch.setenv("PLANBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("PLANBOT_QUERYLOG_PATH", str(tmp_path / "state" / "querylog.sqlite"))
    good = state_path()
    assert good == tmp_path / "state" / "chat_state.sqlite"
    monkeypatch.setenv("PLANBOT_API_KEYS", "short")
    assert state_path() == good
    monkeypatch.setenv("PLANBOT_PUBLIC_URL", "https://planbot.example.vn/")
    link = public_tasks_link("Sở Y tế", "quá hạn")
    assert link is not None and link.startswith("https://planbot.example.vn/tasks?agency=")


def test_file_name_keeps_dates_readable() -> None:
    """A period label "đến 25/11/2026" becomes "đến 25-11-2026" in the file name, not "25 11 2026"."""
    from bot.exports import file_name

    name = file_name("quá hạn (đến 25/11/2026)", "csv", on=date(2026, 11, 26))
    assert name == "Nhiệm vụ quá hạn (đến 25-11-2026) 2026-11-26.csv"
