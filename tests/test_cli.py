"""`planbot index/tasks/show`: filters, JSON/CSV output, broken input handling, real subprocess."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from retrieval.agencies import AgencyDirectory
from retrieval.ingest.parser import parse_document
from retrieval.kb import KnowledgeBase
from retrieval.manifest import load_manifest
from retrieval.store import KB_FILE

REPO = Path(__file__).resolve().parents[1]
PLANBOT = REPO / ".venv" / "bin" / "planbot"
TTTT = "Sở Thông tin và Truyền thông"


@pytest.fixture(scope="module")
def index_dir(kb_path: Path) -> Path:
    return kb_path.parent


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def tasks_json(index_dir: Path, *args: str) -> list[dict]:
    code, out, err = run("tasks", "--index-dir", str(index_dir), "--json", *args)
    assert code == 0, err
    return json.loads(out)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    for p in dst.iterdir():
        p.chmod(0o644)
    return dst


def test_lead_alias_and_quarter(index_dir: Path) -> None:
    abbreviated = tasks_json(index_dir, "--lead", "so tt&tt", "--due", "2025Q2")
    full = tasks_json(index_dir, "--lead", TTTT, "--due", "2025Q2")
    assert abbreviated == full and full
    directory = AgencyDirectory.load()
    everything = tasks_json(index_dir)
    expected = [
        item["id"]
        for item in everything
        if any(directory.agency_matches(TTTT, p) == (True, False) for p in item["lead"])
        and item["due_from"]
        and item["due_by"]
        and item["due_from"] <= "2025-06-30"
        and item["due_by"] >= "2025-04-01"
    ]
    assert [item["id"] for item in full] == expected
    assert all(not item["inherited"] for item in full)


def test_successor_lists_predecessor_rows(index_dir: Path) -> None:
    rows = tasks_json(index_dir, "--lead", "Sở Khoa học và Công nghệ")
    inherited = [r for r in rows if r["inherited"]]
    assert inherited and any(not r["inherited"] for r in rows)
    assert {r["id"] for r in inherited} == {r["id"] for r in tasks_json(index_dir, "--lead", TTTT)}
    # A row printed with the predecessor's own name shows today's name; a group cell that
    # enumerates departments ("Các Sở, ngành … (…, TT&TT, …)") stays as printed.
    from retrieval.agencies import directory

    named = [r for r in inherited if not any(directory().group_members(x) for x in r["lead"])]
    assert named and all("Sở Khoa học và Công nghệ" in r["lead_current"] for r in named)
    grouped = [r for r in inherited if r not in named]
    assert all(
        TTTT in m
        for r in grouped
        for m in [sum((directory().group_members(x) for x in r["lead"]), [])]
    )


def test_json_lists_every_record(index_dir: Path, corpus_dir: Path) -> None:
    items = tasks_json(index_dir)
    per_doc: dict[str, int] = {}
    for item in items:
        per_doc[item["document"]] = per_doc.get(item["document"], 0) + 1
    for doc in load_manifest(corpus_dir):
        parsed = parse_document(doc, corpus_dir)
        assert per_doc.get(doc.file, 0) == len(parsed.records), doc.file
    assert len({i["id"] for i in items}) == len(items)


def test_csv_has_bom_vietnamese_headers_and_parses_back(index_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["tasks", "--index-dir", str(index_dir), "--csv", "--document", "402"]
    )
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Windows reads Vietnamese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    items = tasks_json(index_dir, "--document", "402")
    assert [r["Mã"] for r in rows] == [i["id"] for i in items]
    for row, item in zip(rows, items, strict=True):
        assert row["Nhiệm vụ"].lstrip("'") == item["content"]
        assert row["Dòng"] == item["citation"]["location"]
        assert row["Kế hoạch"] == item["citation"]["title"]
        for name in item["lead"]:
            assert name in row["Chủ trì"]


def test_table_output_is_readable(index_dir: Path) -> None:
    code, out, _ = run(
        "tasks",
        "--index-dir",
        str(index_dir),
        "--lead",
        "so tt&tt",
        "--due",
        "Q4/2025",
        env={"COLUMNS": "90"},
    )
    assert code == 0
    assert "Nội dung" in out and "Chủ trì" in out and "Thời hạn" in out
    assert "003:I.4 2" in out
    assert all(len(line) <= 90 for line in out.splitlines()[:-1])


def test_filters_by_document_kind_text_before(index_dir: Path) -> None:
    indicators = tasks_json(index_dir, "--document", "402", "--kind", "indicator")
    assert indicators and {i["kind"] for i in indicators} == {"indicator"}
    found = tasks_json(index_dir, "--text", "cap quang", "--kind", "indicator")
    assert "003:PLI 37" in [i["id"] for i in found]
    early = tasks_json(index_dir, "--before", "30/6/2025")
    assert early and all(date.fromisoformat(i["due_by"]) <= date(2025, 6, 30) for i in early)


def test_bad_options_are_explained(index_dir: Path) -> None:
    code, out, err = run("tasks", "--index-dir", str(index_dir), "--due", "khi nào đó")
    assert code == 2 and "2025Q4" in err
    code, _, err = run("tasks", "--index-dir", str(index_dir), "--document", "999")
    assert code == 2 and "Không tìm thấy kế hoạch" in err
    code, _, err = run("tasks", "--index-dir", str(index_dir / "nowhere"))
    assert code == 1 and "planbot index" in err


def test_show_record_and_json(index_dir: Path) -> None:
    code, out, _ = run("show", "--index-dir", str(index_dir), "402 I.4 2")
    assert code == 0
    assert "Chủ trì: Sở Thông tin và Truyền thông" in out
    assert "Phụ lục 2, mục I.4, nhiệm vụ 2" in out
    code, out, _ = run("show", "--index-dir", str(index_dir), "003 PLI 37", "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "003:PLI 37" and data["target"]
    code, _, err = run("show", "--index-dir", str(index_dir), "003 Z.9 99")
    assert code == 1 and "Không tìm thấy" in err


def test_env_overrides_index_dir(index_dir: Path) -> None:
    code, out, _ = run("show", "003:I.4 2", "--json", env={"PLANBOT_INDEX_DIR": str(index_dir)})
    assert code == 0 and json.loads(out)["id"] == "003:I.4 2"


def test_index_reports_counts_and_succeeds(tmp_path: Path, corpus_dir: Path) -> None:
    code, out, err = run(
        "index", "--corpus", str(corpus_dir), "--index-dir", str(tmp_path), "--no-vectors"
    )
    assert code == 0, err
    assert "[4/5] 003_10c6ec8ef8560783.txt" in out and "Đã ghi" in out
    assert out.casefold().count("đã ghi") == 1, out  # the written KB is reported once
    assert (tmp_path / KB_FILE).is_file()


def test_corrupt_manifest_keeps_previous_kb(tmp_path: Path, corpus_dir: Path) -> None:
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus")
    index = tmp_path / "idx"
    assert run("index", "--corpus", str(corpus), "--index-dir", str(index), "--no-vectors")[0] == 0
    before = sha(index / KB_FILE)
    (corpus / "manifest.json").write_text('{"documents": [\n  {"id": "000",\n', encoding="utf-8")
    code, _, err = run("index", "--corpus", str(corpus), "--index-dir", str(index), "--no-vectors")
    assert code != 0
    assert "manifest.json:" in err and "JSON không hợp lệ" in err
    assert sha(index / KB_FILE) == before
    assert len(tasks_json(index, "--document", "402")) > 100  # still serving


def test_broken_file_keeps_its_previous_rows(tmp_path: Path, corpus_dir: Path) -> None:
    corpus = copy_corpus(corpus_dir, tmp_path / "corpus")
    index = tmp_path / "idx"
    assert run("index", "--corpus", str(corpus), "--index-dir", str(index), "--no-vectors")[0] == 0
    previous = tasks_json(index, "--document", "001")
    target = corpus / "001_653f16b6d5689029.txt"
    lines = target.read_bytes().split(b"\n")
    lines[9] = lines[9] + b" \xff\xfe"
    target.write_bytes(b"\n".join(lines))
    code, out, err = run(
        "index", "--corpus", str(corpus), "--index-dir", str(index), "--no-vectors"
    )
    assert code == 1
    assert "001_653f16b6d5689029.txt:10:" in err
    assert tasks_json(index, "--document", "001") == previous
    assert len(tasks_json(index, "--document", "402")) > 100

    fresh = tmp_path / "fresh"  # no previous KB: the broken document is left out
    code, _, _ = run("index", "--corpus", str(corpus), "--index-dir", str(fresh), "--no-vectors")
    assert code == 1
    assert not [i for i in tasks_json(fresh) if i["document"] == target.name]
    assert len(tasks_json(fresh, "--document", "000")) > 10


def test_real_subprocess(index_dir: Path) -> None:
    env = {**os.environ, "PLANBOT_INDEX_DIR": str(index_dir), "COLUMNS": "100"}
    proc = subprocess.run(
        [str(PLANBOT), "tasks", "--lead", "so tt&tt", "--due", "2025Q2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    via_runner = tasks_json(index_dir, "--lead", "so tt&tt", "--due", "2025Q2")
    assert json.loads(proc.stdout) == via_runner


def test_show_clause(index_dir: Path, kb: KnowledgeBase) -> None:
    clause = next(c for c in kb.clauses("402") if len(c.text) > 40)
    code, out, _ = run("show", "--index-dir", str(index_dir), clause.id)
    assert code == 0 and clause.text in out and f"dòng {clause.line_start}" in out
    code, out, _ = run("show", "--index-dir", str(index_dir), clause.id, "--json")
    data = json.loads(out)
    assert data["kind"] == "clause" and data["citation"]["quote"] == clause.text


def test_python_dash_m_runs_every_command(index_dir: Path) -> None:
    """`python -m bot.cli …` (as the docs and Docker use it) runs the same commands as `planbot`:
    no import cycle with the command modules, and the module actually calls `main`."""
    import sys

    env = {**os.environ, "PLANBOT_INDEX_DIR": str(index_dir), "COLUMNS": "100"}

    def module(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    listed = module("tasks", "--lead", "so tt&tt", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == tasks_json(index_dir, "--lead", "so tt&tt")
    helped = module("--help")
    assert helped.returncode == 0, helped.stderr
    assert "digest" in helped.stdout and "zalo-oa" in helped.stdout


def test_ask_reads_plain_questions_from_stdin(index_dir: Path) -> None:
    """Without a question argument, `ask` answers each stdin line (text out, or one JSON object
    per line with --json), as its help says."""
    questions = "Ai chủ trì triển khai hệ thống SOC?\n\nKế hoạch 402 có bao nhiêu chỉ tiêu?\n"
    plain = CliRunner().invoke(main, ["ask", "--index-dir", str(index_dir)], input=questions)
    assert plain.exit_code == 0, plain.output
    asked = [line for line in plain.output.splitlines() if line.startswith("Hỏi: ")]
    assert asked == [f"Hỏi: {q}" for q in questions.split("\n") if q], plain.output
    as_json = CliRunner().invoke(
        main, ["ask", "--index-dir", str(index_dir), "--json"], input=questions
    )
    assert as_json.exit_code == 0, as_json.output
    answers = [json.loads(line) for line in as_json.output.splitlines() if line.strip()]
    assert len(answers) == 2 and all(a["answer"] for a in answers)
    help_text = CliRunner().invoke(main, ["ask", "--help"]).output
    assert "stdin" in help_text
