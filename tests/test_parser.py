"""Document parsing end to end: safe reading, manifest errors, table skipping, quotes in source."""

from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.ingest import parser as parser_mod
from retrieval.ingest.parser import parse_document, read_lines
from retrieval.manifest import ManifestError, load_manifest
from retrieval.models import Document, ParsedDocument, Record, TableParse

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return load_manifest(CORPUS)


@pytest.fixture(scope="module")
def parsed(docs: list[Document]) -> dict[str, ParsedDocument]:
    return {d.id: parse_document(d, CORPUS) for d in docs}


def reference_norm(text: str) -> str:
    """Independent check form: NFC, tags → space, entities unescaped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return " ".join(text.split())


def _span(lines: list[str], start: int, end: int) -> str:
    return reference_norm("\n".join(lines[start - 1 : end]))


def _pieces(quote: str, source: str) -> int:
    """How many contiguous source pieces the quote needs (greedy, word by word)."""
    words, pieces, current = quote.split(), 0, ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and candidate in source:
            current = candidate
            continue
        assert word in source, word
        pieces, current = pieces + 1, word
    return pieces


def test_manifest_loads_all_documents(docs: list[Document]) -> None:
    assert [d.id for d in docs] == ["000", "001", "002", "003", "004"]
    assert all((CORPUS / d.file).is_file() for d in docs)


@pytest.mark.parametrize("doc_id", ["000", "001", "002", "003", "004"])
def test_every_document_parses_without_errors(
    parsed: dict[str, ParsedDocument], doc_id: str
) -> None:
    result = parsed[doc_id]
    assert [i for i in result.issues if i.severity == "error"] == []
    assert result.clauses


def test_model_tables_merged_and_skipped(parsed: dict[str, ParsedDocument]) -> None:
    for doc_id, count in (("000", 39), ("001", 10)):
        result = parsed[doc_id]
        models = [r for r in result.records if r.kind == "model"]
        assert len(models) == count
        table_lines = {n for r in models for n in range(r.line_start, r.line_end + 1)}
        first = min(r.line_start for r in models)
        assert all(c.line_end < first for c in result.clauses if c.appendix is None)
        assert not any(c.line_start in table_lines for c in result.clauses)


@pytest.mark.parametrize("doc_id", ["000", "001", "002", "003", "004"])
def test_quotes_and_clause_texts_are_in_the_source(
    parsed: dict[str, ParsedDocument], docs: list[Document], doc_id: str
) -> None:
    doc = next(d for d in docs if d.id == doc_id)
    lines = (CORPUS / doc.file).read_text(encoding="utf-8").split("\n")
    for clause in parsed[doc_id].clauses:
        assert reference_norm(clause.text) in _span(lines, clause.line_start, clause.line_end)
    for rec in parsed[doc_id].records:
        source = _span(lines, rec.line_start, rec.line_end)
        quote = reference_norm(rec.quote)
        assert quote, rec.id
        if quote not in source:  # a row continued on later lines: one piece per line at most
            assert _pieces(quote, source) <= rec.line_end - rec.line_start + 1, rec.id


def test_broken_bytes_reported_with_file_and_line(tmp_path: Path, docs: list[Document]) -> None:
    doc = docs[0]
    data = (CORPUS / doc.file).read_bytes().split(b"\n")
    data[4] = data[4] + b" \xff\xfe"
    data[8] = b"S\x00" + data[8]
    (tmp_path / doc.file).write_bytes(b"\n".join(data))
    result = parse_document(doc, tmp_path)
    errors = [(i.file, i.line) for i in result.issues if i.severity == "error"]
    assert errors == [(doc.file, 5), (doc.file, 9)]
    assert len([r for r in result.records if r.kind == "model"]) == 39


def test_missing_file_is_an_issue_not_an_exception(tmp_path: Path, docs: list[Document]) -> None:
    result = parse_document(docs[0], tmp_path)
    assert result.records == [] and result.clauses == []
    assert [(i.file, i.severity) for i in result.issues] == [(docs[0].file, "error")]


def test_crlf_and_bom_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"\xef\xbb\xbfI. M\xe1\xbb\xa4C\r\n- A.\r\nlast")
    source = read_lines(path, "x.txt")
    assert source.lines == ["I. MỤC", "- A.", "last"] and source.issues == []


def _copy_corpus(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    target = tmp_path / "corpus" / "manifest.json"
    target.chmod(0o644)
    return tmp_path / "corpus"


def test_manifest_missing_file_names_entry(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    data["documents"][2]["file"] = "999_missing.txt"
    (corpus / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json.*mục thứ 3.*999_missing\.txt"):
        load_manifest(corpus)


def test_manifest_invalid_json_names_line(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    (corpus / "manifest.json").write_text('{"documents": [\n  {"id": "000",}\n]}', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json: dòng 2"):
        load_manifest(corpus)


def test_manifest_missing_field(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    del data["documents"][0]["title"]
    (corpus / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"mục thứ 1 \(000_.*thiếu trường title"):
        load_manifest(corpus)


def test_plan_parser_records_are_merged_and_skipped(
    monkeypatch: pytest.MonkeyPatch, docs: list[Document]
) -> None:
    doc = next(d for d in docs if d.id == "003")
    lines = (CORPUS / doc.file).read_text(encoding="utf-8").split("\n")
    start = next(n for n, s in enumerate(lines, 1) if s.startswith("3.1. Hình thành công dân số"))
    fake = Record(
        id="003:X",
        document="003",
        kind="task",
        row="X",
        appendix="Phụ lục 2",
        section="",
        content="x",
        line_start=start,
        line_end=start + 2,
        quote="x",
    )

    def plan(d: Document, ls: list[str]) -> TableParse:
        return TableParse(records=[replace(fake)], declared_counts={"Phụ lục 2": 178})

    monkeypatch.setattr(
        parser_mod, "TABLE_FORMATS", [*parser_mod.TABLE_FORMATS[:1], ("kế hoạch", plan)]
    )
    result = parse_document(doc, CORPUS)
    assert [r.id for r in result.records] == ["003:X"]
    assert result.declared_counts == {"Phụ lục 2": 178}
    assert not any(start <= c.line_start <= start + 2 for c in result.clauses)


def test_plan_parser_failure_becomes_issue(
    monkeypatch: pytest.MonkeyPatch, docs: list[Document]
) -> None:
    def broken(d: Document, ls: list[str]) -> TableParse:
        raise ValueError("boom")

    monkeypatch.setattr(
        parser_mod, "TABLE_FORMATS", [*parser_mod.TABLE_FORMATS[:1], ("kế hoạch", broken)]
    )
    result = parse_document(docs[0], CORPUS)
    assert any(i.severity == "error" and "boom" in i.message for i in result.issues)
    assert len(result.records) == 39 and result.clauses
