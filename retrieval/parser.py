"""Read one corpus file safely, run the table parsers and the body parser → `ParsedDocument`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.body import parse_clauses
from retrieval.models import Document, ParsedDocument, ParseIssue, Record, TableParse
from retrieval.tables_models import parse_model_tables

TableParser = Callable[[Document, list[str]], TableParse]


@dataclass
class SourceText:
    """A corpus file split into lines (1-based in issues), with decoding problems found."""

    lines: list[str] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)


def read_lines(path: Path, name: str) -> SourceText:
    """Read and decode a file line by line; bad bytes and NULs become error issues, not raises."""
    out = SourceText()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        out.issues.append(ParseIssue(name, 0, "Không tìm thấy tệp", "error"))
        return out
    except OSError as exc:
        out.issues.append(ParseIssue(name, 0, f"Không đọc được tệp: {exc}", "error"))
        return out
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.removesuffix(b"\r")
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if b"\x00" in raw:
            col = raw.index(b"\x00") + 1
            out.issues.append(ParseIssue(name, number, f"Ký tự NUL ở byte {col}", "error"))
            raw = raw.replace(b"\x00", b"")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"Byte không hợp lệ UTF-8 ở byte {exc.start + 1} ({raw[exc.start : exc.start + 1]!r})"
            out.issues.append(ParseIssue(name, number, msg, "error"))
            text = raw.decode("utf-8", errors="replace")
        out.lines.append(text)
    return out


def _plan_parser() -> TableParser | None:
    """`tables_plan.parse_plan_tables`, imported lazily; None while that module is absent."""
    try:
        module = importlib.import_module("retrieval.tables_plan")
    except ModuleNotFoundError as exc:
        if exc.name == "retrieval.tables_plan":
            return None
        raise
    return getattr(module, "parse_plan_tables", None)


def table_skip_lines(records: list[Record], lines: list[str]) -> set[int]:
    """Line numbers covered by tables: each appendix's row span plus the header rows above it."""
    spans: dict[str, tuple[int, int]] = {}
    skip: set[int] = set()
    for rec in records:
        lo, hi = spans.get(rec.appendix, (rec.line_start, rec.line_end))
        spans[rec.appendix] = (min(lo, rec.line_start), max(hi, rec.line_end))
        skip.update(rec.duplicate_lines)
    for lo, hi in spans.values():
        skip.update(range(lo, hi + 1))
        j = lo - 1
        while j >= 1 and (not lines[j - 1].strip() or "\t" in lines[j - 1]):
            skip.add(j)
            j -= 1
    return skip


def _run(parser: TableParser, doc: Document, lines: list[str], label: str) -> TableParse:
    """Run one table parser; an internal failure becomes an error issue instead of a crash."""
    try:
        return parser(doc, lines)
    except Exception as exc:  # noqa: BLE001 - bad input must never crash the build
        message = f"Lỗi khi đọc bảng ({label}): {type(exc).__name__}: {exc}"
        return TableParse(issues=[ParseIssue(doc.file, 0, message, "error")])


def parse_document(doc: Document, corpus_dir: Path) -> ParsedDocument:
    """Parse one corpus file into clauses, table records, declared counts and issues."""
    source = read_lines(Path(corpus_dir) / doc.file, doc.file)
    result = ParsedDocument(document=doc, issues=list(source.issues))
    if not source.lines:
        return result
    parsers: list[tuple[str, TableParser]] = [("mô hình", parse_model_tables)]
    try:
        plan = _plan_parser()
    except Exception as exc:  # noqa: BLE001 - a broken sibling module must not stop parsing
        plan = None
        message = f"Không nạp được tables_plan: {type(exc).__name__}: {exc}"
        result.issues.append(ParseIssue(doc.file, 0, message, "error"))
    if plan is not None:
        parsers.append(("kế hoạch", plan))
    seen: dict[str, Record] = {}
    table_clauses = []
    for label, parser in parsers:
        table = _run(parser, doc, source.lines, label)
        table_clauses.extend(table.clauses)
        result.issues.extend(table.issues)
        result.declared_counts.update(table.declared_counts)
        for rec in table.records:
            if rec.id in seen:
                message = f"Mã hàng {rec.id} trùng với dòng {seen[rec.id].line_start}; bỏ bản sau"
                result.issues.append(ParseIssue(doc.file, rec.line_start, message))
                continue
            seen[rec.id] = rec
            result.records.append(rec)
    skip = table_skip_lines(result.records, source.lines)
    result.clauses = parse_clauses(doc, source.lines, skip)
    body_ids = {c.id for c in result.clauses}
    result.clauses += [c for c in table_clauses if c.id not in body_ids]
    result.clauses.sort(key=lambda c: c.line_start)
    return result
