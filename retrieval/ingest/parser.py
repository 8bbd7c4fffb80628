"""Read one corpus file (text, DOCX or PDF) safely, run the table formats and the body parser.

Every source becomes numbered lines (`retrieval.ingest`), so one set of table formats reads
every plan; each clause and record keeps where it was printed (page, table, row).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.ingest.blocks import SourceLines
from retrieval.ingest.body import parse_clauses
from retrieval.ingest.body_indicators import body_indicators
from retrieval.ingest.read import read_source
from retrieval.ingest.tables_models import parse_model_tables
from retrieval.ingest.tables_plan import parse_plan_tables
from retrieval.models import Document, ParsedDocument, ParseIssue, Record, TableParse

TableParser = Callable[[Document, list[str]], TableParse]

# The table formats: model tables (content column "Mô hình", headings A/I/1 give the row ids) and
# task/indicator tables (sections I, I.1, A; rows by number). Both read columns by header words.
TABLE_FORMATS: list[tuple[str, TableParser]] = [
    ("mô hình", parse_model_tables),
    ("kế hoạch", parse_plan_tables),
]


def read_lines(path: Path, name: str) -> SourceLines:
    """The file as numbered lines plus source locations; problems are issues, never raises."""
    return read_source(path, name)


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


def parse_lines(doc: Document, source: SourceLines) -> ParsedDocument:
    """Parse numbered lines into clauses, table records, declared counts and issues."""
    result = ParsedDocument(document=doc, issues=list(source.issues))
    if not any(line.strip() for line in source.lines):
        if not any(i.severity == "error" for i in result.issues):
            result.issues.append(ParseIssue(doc.file, 0, "Tệp rỗng: không có nội dung", "error"))
        return result
    seen: dict[str, Record] = {}
    table_clauses = []
    for label, parser in TABLE_FORMATS:
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
    in_body = body_indicators(doc, result.clauses, result.records)
    result.records.extend(in_body)
    body_ids = {c.id for c in result.clauses}
    result.clauses += [c for c in table_clauses if c.id not in body_ids]
    result.clauses.sort(key=lambda c: c.line_start)
    for item in [*result.records, *result.clauses]:
        item.source = source.where.get(item.line_start, "")
    for record in in_body:  # a body line is cited by its line when the source has no page
        record.source = record.source or f"dòng {record.line_start}"
    return result


def parse_document(doc: Document, corpus_dir: Path) -> ParsedDocument:
    """Parse one corpus file into clauses, table records, declared counts and issues."""
    return parse_lines(doc, read_source(Path(corpus_dir) / doc.file, doc.file))
