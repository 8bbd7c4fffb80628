"""Write the SQLite knowledge base (sqlite-utils) from enriched documents, swapped in atomically."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.agencies import AgencyDirectory
from retrieval.models import Clause, ParsedDocument, ParseIssue, Record
from retrieval.textnorm import fold

if TYPE_CHECKING:  # sqlite-utils is imported by `write_store` only: the read side stays light
    import sqlite_utils

SCHEMA_VERSION = 1
KB_FILE = "kb.sqlite"
FTS_TABLE = "search_fts"

DOCUMENT_COLUMNS: dict[str, type] = {
    "id": str,
    "file": str,
    "number": str,
    "date": str,
    "issuer": str,
    "title": str,
    "scope": str,
    "supersedes": str,
    "short_name": str,
    "aliases": str,
    "folded": str,
    "clause_count": int,
    "record_count": int,
}

CLAUSE_COLUMNS: dict[str, type] = {
    "id": str,
    "document": str,
    "number": str,
    "heading_path": str,
    "text": str,
    "line_start": int,
    "line_end": int,
    "level": int,
    "appendix": str,
    "source": str,
    "folded": str,
}

RECORD_COLUMNS: dict[str, type] = {
    "id": str,
    "document": str,
    "kind": str,
    "row": str,
    "appendix": str,
    "section": str,
    "content": str,
    "leader": str,
    "leader_inherited": int,
    "lead_raw": str,
    "coordinating_raw": str,
    "lead": str,
    "coordinating": str,
    "deadline": str,
    "deadline_inherited": int,
    "deadline_source": str,
    "due_from": str,
    "due_by": str,
    "product": str,
    "note": str,
    "target": str,
    "stt": str,
    "detail": str,
    "line_start": int,
    "line_end": int,
    "quote": str,
    "duplicate_lines": str,
    "source": str,
    "position": int,
    "folded": str,
}

JSON_RECORD_FIELDS = ("lead", "coordinating", "duplicate_lines")
JSON_CLAUSE_FIELDS = ("heading_path",)


@dataclass
class StoreStats:
    """What one `write_store` call wrote: row counts per table and the final path."""

    path: str
    documents: int = 0
    clauses: int = 0
    tasks: int = 0
    models: int = 0
    indicators: int = 0
    agencies: int = 0
    aliases: int = 0
    record_agencies: int = 0
    fts_rows: int = 0
    issues: int = 0
    counts_by_document: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table_counts(self) -> dict[str, int]:
        """Rows per main table (documents … agencies), as reported by the build and build_info."""
        return {
            "documents": self.documents,
            "clauses": self.clauses,
            "tasks": self.tasks,
            "models": self.models,
            "indicators": self.indicators,
            "agencies": self.agencies,
        }


@dataclass(frozen=True)
class AgencyLink:
    """One agency printed in a record cell, resolved to its canonical and current name."""

    record_id: str
    role: str  # lead | coordinating | focal | implementing
    position: int
    printed: str
    canonical: str | None
    current: str


def record_text(record: Record) -> str:
    """Diacritic-free text of a record used for full-text search."""
    parts = [
        record.row,
        record.section,
        record.content,
        record.leader or "",
        record.lead_raw or "; ".join(record.lead),
        record.coordinating_raw or "; ".join(record.coordinating),
        record.deadline or "",
        record.product or "",
        record.note or "",
        record.target or "",
    ]
    return fold(" | ".join(p for p in parts if p))


def clause_text(clause: Clause) -> str:
    """Diacritic-free text of a clause (with its heading path) used for full-text search."""
    return fold(" | ".join([*clause.heading_path, clause.number, clause.text]))


def lead_role(record: Record) -> str:
    """Role of the lead cell: indicators name a focal agency (cơ quan đầu mối), others a lead."""
    return "focal" if record.kind == "indicator" else "lead"


def coordinating_role(record: Record) -> str:
    """Role of the second cell: indicators name implementing agencies (cơ quan thực hiện)."""
    return "implementing" if record.kind == "indicator" else "coordinating"


def canonical_of(directory: AgencyDirectory, known: frozenset[str], printed: str) -> str | None:
    """Canonical name of a printed agency, or None when the directory does not know it."""
    canonical = directory.canonical(printed)
    return canonical if canonical in known else None


def current_name(directory: AgencyDirectory, canonical: str) -> str:
    """Today's name via the successor table; an agency abolished without successor keeps its name."""
    return directory.current(canonical) or canonical


def agency_links(
    record: Record, directory: AgencyDirectory, known: frozenset[str]
) -> list[AgencyLink]:
    """Every agency of a record (lead then coordinating) with canonical and current names."""
    links: list[AgencyLink] = []
    for role, names in (
        (lead_role(record), record.lead),
        (coordinating_role(record), record.coordinating),
    ):
        for position, printed in enumerate(names):
            canonical = canonical_of(directory, known, printed)
            current = current_name(directory, canonical) if canonical else printed
            links.append(AgencyLink(record.id, role, position, printed, canonical, current))
    return links


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def document_row(parsed: ParsedDocument) -> dict[str, Any]:
    """The `documents` row of one parsed document."""
    doc = parsed.document
    return {
        "id": doc.id,
        "file": doc.file,
        "number": doc.number,
        "date": doc.date,
        "issuer": doc.issuer,
        "title": doc.title,
        "scope": doc.scope,
        "supersedes": _json(list(doc.supersedes)),
        "short_name": doc.short_name,
        "aliases": _json(list(doc.aliases)),
        "folded": fold(" | ".join([doc.number, doc.title, doc.short_name, *doc.aliases])),
        "clause_count": len(parsed.clauses),
        "record_count": len(parsed.records),
    }


def clause_row(clause: Clause) -> dict[str, Any]:
    """The `clauses` row of one clause."""
    row = asdict(clause)
    row["heading_path"] = _json(clause.heading_path)
    row["folded"] = clause_text(clause)
    return row


def record_row(record: Record, position: int) -> dict[str, Any]:
    """The `tasks`/`indicators` row of one record (lists as JSON text)."""
    row = asdict(record)
    for key in JSON_RECORD_FIELDS:
        row[key] = _json(row[key])
    row["deadline_inherited"] = int(bool(record.deadline_inherited))
    row["position"] = position
    row["folded"] = record_text(record)
    return row


def agency_rows(
    links: Sequence[AgencyLink], directory: AgencyDirectory
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of `agencies` (canonical names, successions) and `aliases` (folded alias → canonical)."""
    canonicals = {link.canonical for link in links if link.canonical}
    # every name on a succession chain of a used agency is listed too
    pending = list(canonicals)
    while pending:
        name = pending.pop()
        step = directory.successor(name)
        chain = [s.predecessor for s in directory.predecessors(name)]
        if step is not None and step.successor:
            chain.append(step.successor)
        for other in chain:
            if other not in canonicals:
                canonicals.add(other)
                pending.append(other)
    agencies = []
    for name in sorted(canonicals):
        step = directory.successor(name)
        agencies.append(
            {
                "canonical": name,
                "folded": fold(name),
                "is_group": int(directory.is_group(name)),
                "successor": step.successor if step else None,
                "abolished": int(step is not None and step.successor is None),
                "effective": step.effective.isoformat() if step and step.effective else None,
                "source": step.source if step else None,
                "note": (step.note or None) if step else None,
                "predecessors": _json(
                    sorted({s.predecessor for s in directory.predecessors(name)})
                ),
                "current": directory.current(name),
                "display": directory.display(name),
            }
        )
    alias_map: dict[str, tuple[str, str]] = {}
    for name in sorted(canonicals):
        alias_map.setdefault(fold(name), (name, "canonical"))
    for link in sorted(links, key=lambda x: (x.printed, x.canonical or "")):
        if link.canonical:
            alias_map.setdefault(fold(link.printed), (link.canonical, "printed"))
    aliases = [
        {"alias": key, "canonical": canonical, "source": source}
        for key, (canonical, source) in sorted(alias_map.items())
        if key
    ]
    return agencies, aliases


def _issue_dict(issue: ParseIssue) -> dict[str, Any]:
    return {
        "file": issue.file,
        "line": issue.line,
        "message": issue.message,
        "severity": issue.severity,
    }


def _create_tables(db: sqlite_utils.Database) -> None:
    db["documents"].create(DOCUMENT_COLUMNS, pk="id")
    db["clauses"].create(CLAUSE_COLUMNS, pk="id", foreign_keys=[("document", "documents", "id")])
    for name in ("tasks", "indicators"):
        db[name].create(RECORD_COLUMNS, pk="id", foreign_keys=[("document", "documents", "id")])
    db["agencies"].create(
        {
            "canonical": str,
            "folded": str,
            "is_group": int,
            "successor": str,
            "abolished": int,
            "effective": str,
            "source": str,
            "note": str,
            "predecessors": str,
            "current": str,
            "display": str,
        },
        pk="canonical",
    )
    db["aliases"].create({"alias": str, "canonical": str, "source": str}, pk="alias")
    db["record_agencies"].create(
        {
            "record_id": str,
            "role": str,
            "position": int,
            "printed": str,
            "canonical": str,
            "current": str,
            "folded": str,
        },
        pk=("record_id", "role", "position"),
    )
    db["build_info"].create({"key": str, "value": str}, pk="key")
    db.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "ref UNINDEXED, source UNINDEXED, document UNINDEXED, text, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    columns = ", ".join(RECORD_COLUMNS)
    db.execute(
        f"CREATE VIEW records AS SELECT {columns} FROM tasks "
        f"UNION ALL SELECT {columns} FROM indicators"
    )
    db["clauses"].create_index(["document", "line_start"])
    db["tasks"].create_index(["document", "line_start"])
    db["indicators"].create_index(["document", "line_start"])
    db["record_agencies"].create_index(["canonical"])
    db["record_agencies"].create_index(["folded"])


def _fill(
    db: sqlite_utils.Database,
    docs: Sequence[ParsedDocument],
    directory: AgencyDirectory,
    build_info: dict[str, Any],
    stats: StoreStats,
) -> None:
    clause_rows: list[dict[str, Any]] = []
    task_rows: list[dict[str, Any]] = []
    indicator_rows: list[dict[str, Any]] = []
    links: list[AgencyLink] = []
    fts_rows: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    known = frozenset(directory.names)
    for parsed in docs:
        doc_id = parsed.document.id
        counts = {"clauses": len(parsed.clauses), "task": 0, "model": 0, "indicator": 0}
        for clause in parsed.clauses:
            row = clause_row(clause)
            clause_rows.append(row)
            fts_rows.append(
                {"ref": clause.id, "source": "clause", "document": doc_id, "text": row["folded"]}
            )
        for position, record in enumerate(parsed.records):
            counts[record.kind] = counts.get(record.kind, 0) + 1
            row = record_row(record, position)
            (indicator_rows if record.kind == "indicator" else task_rows).append(row)
            links.extend(agency_links(record, directory, known))
            fts_rows.append(
                {"ref": record.id, "source": "record", "document": doc_id, "text": row["folded"]}
            )
        stats.counts_by_document[doc_id] = counts
        issues.extend(_issue_dict(i) for i in parsed.issues)

    db["documents"].insert_all([document_row(p) for p in docs])
    db["clauses"].insert_all(clause_rows)
    db["tasks"].insert_all(task_rows)
    db["indicators"].insert_all(indicator_rows)
    agencies, aliases = agency_rows(links, directory)
    db["agencies"].insert_all(agencies)
    db["aliases"].insert_all(aliases)
    db["record_agencies"].insert_all(
        [
            {
                "record_id": link.record_id,
                "role": link.role,
                "position": link.position,
                "printed": link.printed,
                "canonical": link.canonical,
                "current": link.current,
                "folded": fold(link.printed),
            }
            for link in links
        ]
    )
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, ref, source, document, text) VALUES (?, ?, ?, ?, ?)",
            [
                (n, r["ref"], r["source"], r["document"], r["text"])
                for n, r in enumerate(fts_rows, start=1)
            ],
        )

    stats.documents = len(docs)
    stats.clauses = len(clause_rows)
    stats.tasks = sum(1 for r in task_rows if r["kind"] == "task")
    stats.models = sum(1 for r in task_rows if r["kind"] == "model")
    stats.indicators = len(indicator_rows)
    stats.agencies = len(agencies)
    stats.aliases = len(aliases)
    stats.record_agencies = len(links)
    stats.fts_rows = len(fts_rows)
    stats.issues = len(issues)

    info = {
        "schema_version": SCHEMA_VERSION,
        "counts": {
            **stats.table_counts(),
            "aliases": stats.aliases,
            "record_agencies": stats.record_agencies,
            "by_document": stats.counts_by_document,
        },
        "parse_issues": issues,
        **build_info,
    }
    db["build_info"].insert_all(
        [{"key": key, "value": _json(value)} for key, value in sorted(info.items())]
    )


def write_store(
    parsed_docs: Iterable[ParsedDocument],
    directory: AgencyDirectory,
    path: Path,
    *,
    build_info: dict[str, Any] | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> StoreStats:
    """Write the KB to a temp file beside `path`, then `os.replace` it onto `path`.

    On any error the temp file is removed and the previous KB at `path` keeps serving.
    `build_info` adds keys (corpus_hash, built_at, …); `before_swap` sees the finished temp file.
    """
    import sqlite_utils

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    docs = sorted(parsed_docs, key=lambda p: p.document.id)
    info = {"built_at": datetime.now(UTC).isoformat(timespec="seconds"), **(build_info or {})}
    stats = StoreStats(path=str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            db = sqlite_utils.Database(conn)
            conn.execute("PRAGMA journal_mode = DELETE")
            _create_tables(db)
            _fill(db, docs, directory, info, stats)
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            conn.commit()
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed on the new knowledge base")
        finally:
            conn.close()
        if before_swap is not None:
            before_swap(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return stats
