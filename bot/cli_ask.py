"""`planbot ask` and `planbot eval`: question answering from the command line and scoring."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from bot.schemas import Answer


def _index_dir(value: str | None) -> Path:
    return Path(value or os.environ.get("PLANBOT_INDEX_DIR") or "indexes")


def _load(index_dir: Path):
    """The assistant over `index_dir`; a missing index is built first from the bundled corpus."""
    from bot.answer.assistant import Assistant
    from retrieval.kb import KnowledgeBaseMissing

    if not (index_dir / "kb.sqlite").is_file():
        _build_missing_index(index_dir)
    try:
        return Assistant.from_index(index_dir)
    except (KnowledgeBaseMissing, FileNotFoundError) as exc:
        raise click.ClickException(
            f"Chưa có chỉ mục trong {index_dir} ({exc}). Hãy chạy `planbot index` trước."
        ) from exc


def _build_missing_index(index_dir: Path) -> None:
    """First use without `planbot index`: build from PLANBOT_CORPUS_DIR (or corpus/) if it exists."""
    from retrieval.build import build_index
    from retrieval.search_index import shared_embedder

    corpus = Path(os.environ.get("PLANBOT_CORPUS_DIR") or "corpus")
    if not (corpus / "manifest.json").is_file():
        return
    click.echo(f"Chưa có chỉ mục trong {index_dir}: đang lập từ {corpus}/ …", err=True)
    report = build_index(corpus, index_dir, embedder=shared_embedder())
    if not report.written:
        raise click.ClickException("Không lập được chỉ mục; hãy chạy `planbot index` để xem lỗi.")


def print_answer(ans: Answer) -> None:
    """Human-readable answer with its citations."""
    click.echo(ans.answer)
    if ans.citations and ans.intent != "guidance":
        click.echo("")
    for i, c in enumerate(ans.citations[:5], 1):
        if ans.intent == "guidance":
            break
        click.echo(f"[{i}] {c.title} — {c.location}")
        click.echo(f"    «{c.quote[:300]}{'…' if len(c.quote) > 300 else ''}»")


@click.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="In đối tượng trả lời dạng JSON.")
@click.option("--index-dir", default=None, help="Thư mục chỉ mục (mặc định: indexes/).")
def ask_command(question: str | None, as_json: bool, index_dir: str | None) -> None:
    """Hỏi một câu; không có câu hỏi thì đọc mỗi dòng stdin là một câu hỏi (với --json: mỗi câu
    trả lời là một dòng JSON)."""
    if question is None and sys.stdin.isatty():
        raise click.UsageError("Cần câu hỏi, hoặc chuyển các câu hỏi vào stdin (mỗi dòng một câu).")
    assistant = _load(_index_dir(index_dir))
    if question is None:
        first = True
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            ans = assistant.ask(text)
            if as_json:
                click.echo(ans.model_dump_json())
                continue
            if not first:
                click.echo("---")
            click.echo(f"Hỏi: {text}")
            print_answer(ans)
            first = False
        return
    ans = assistant.ask(question)
    if as_json:
        click.echo(json.dumps(ans.model_dump(), ensure_ascii=False, indent=2))
    else:
        print_answer(ans)


@click.command("eval")
@click.argument(
    "gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option(
    "--generated",
    is_flag=True,
    help="Câu hỏi sinh từ cơ sở tri thức (thay cho tệp GOLD).",
)
@click.option(
    "--lopo",
    is_flag=True,
    help="Với --generated: tinh chỉnh trên 4 kế hoạch, chấm trên kế hoạch thứ 5 (lần lượt).",
)
@click.option("--index-dir", default=None, help="Thư mục chỉ mục (mặc định: indexes/).")
@click.option(
    "--failures",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("artifacts/eval_failures.jsonl"),
    show_default=True,
    help="Nơi ghi các câu trả lời sai để xem lại.",
)
@click.option("--json", "as_json", is_flag=True, help="In điểm dạng JSON.")
def eval_command(
    gold: Path | None,
    generated: bool,
    lopo: bool,
    index_dir: str | None,
    failures: Path,
    as_json: bool,
) -> None:
    """Chấm điểm trên một tệp câu hỏi mẫu (định dạng shared/eval/dev.jsonl), hoặc trên câu hỏi
    sinh từ cơ sở tri thức (--generated), kể cả kiểm định chéo bỏ-một-kế-hoạch (--lopo)."""
    from bot.evaluate import run_eval

    if generated:
        from bot.answer import lopo as lopo_module
        from bot.answer.gen_questions import generate

        assistant = _load(_index_dir(index_dir))
        items = [q.as_json() for q in generate(assistant.service)]
        if lopo:
            report = lopo_module.run_lopo(assistant, items, lambda m: click.echo(m, err=True))
            if as_json:
                click.echo(json.dumps(report, ensure_ascii=False, indent=2))
            else:
                lopo_module.print_report(report)
            return
        gen_path = failures.parent / "generated.jsonl"
        gen_path.parent.mkdir(parents=True, exist_ok=True)
        gen_path.write_text(
            "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
        )
        gold = gen_path
    if gold is None:
        raise click.UsageError("Cần tệp GOLD hoặc --generated.")
    assistant = _load(_index_dir(index_dir))
    report = run_eval(gold, assistant.ask)
    failures.parent.mkdir(parents=True, exist_ok=True)
    with failures.open("w", encoding="utf-8") as fh:
        for f in report.failures:
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo("Theo loại câu hỏi (kind):")
    for kind, score in report.by_kind.items():
        click.echo(f"  {kind:15s} {score:6.1%}  (n={report.counts[kind]})")
    click.echo("Theo cách gõ (style):")
    for style, score in report.by_style.items():
        click.echo(f"  {style:15s} {score:6.1%}")
    click.echo(
        f"Trả lời nhầm 'không tìm thấy': {report.false_not_found}/{report.answerable} câu có đáp án"
    )
    click.echo(f"Tổng: {report.overall:.1%} trong {report.seconds:.1f} s")
    click.echo(f"Các câu sai: {len(report.failures)} → {failures}")
