"""Read side of the knowledge base: documents, filtered records, lookups by reference, JSON views."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from retrieval.agencies import AgencyDirectory
from retrieval.deadlines import DEADLINE_WINDOWS, DueRange, is_ongoing, overlaps, parse_period
from retrieval.models import Clause, Document, Record
from retrieval.store import FTS_TABLE, JSON_CLAUSE_FIELDS, JSON_RECORD_FIELDS
from retrieval.textnorm import contains_phrase, fold

LEAD_ROLES = ("lead", "focal")
COORDINATING_ROLES = ("coordinating", "implementing")
ALL_ROLES = LEAD_ROLES + COORDINATING_ROLES
KIND_NOUNS = {"task": "nhiệm vụ", "model": "mô hình", "indicator": "chỉ tiêu"}

_RECORD_FIELDS = {f.name for f in fields(Record)}
_CLAUSE_FIELDS = {f.name for f in fields(Clause)}
_FTS_TOKEN = re.compile(r"\w+")
_CLAUSE_REF = re.compile(r"^c\d+$")


class KnowledgeBaseMissing(FileNotFoundError):
    """No knowledge base file at the given path (run `planbot index`)."""


@dataclass
class RecordFilter:
    """Conditions on records; all given conditions must hold. Agency fields accept aliases."""

    lead: str | None = None  # lead/focal agency
    coordinating: str | None = None  # coordinating/implementing agency
    agency: str | None = None  # any role
    due: DueRange | str | None = None  # rows whose due range overlaps this period
    before: date | str | None = None  # rows due on or before this date
    document: str | None = None  # id, file name, number ("402") or alias
    kind: str | None = None  # task | model | indicator
    text: str | None = None  # free text (FTS5 over diacritic-free text)
    limit: int | None = None
    offset: int = 0


@dataclass
class RecordView:
    """A record with its document, today's agency names, and how it matched a query."""

    record: Record
    document: Document
    lead_current: list[str] = field(default_factory=list)
    coordinating_current: list[str] = field(default_factory=list)
    lead_canonical: list[str | None] = field(default_factory=list)
    coordinating_canonical: list[str | None] = field(default_factory=list)
    inherited: bool = False  # matched only through a predecessor agency


@dataclass(frozen=True)
class AgencyQuery:
    """An agency the user typed and the canonical names it denotes (empty: match the text)."""

    text: str
    canonicals: tuple[str, ...]


def fts_query(text: str | None) -> str | None:
    """User text → a safe FTS5 MATCH expression (each folded word quoted, all required)."""
    tokens = _FTS_TOKEN.findall(fold(text))
    if not tokens:
        return None
    return " AND ".join(f'"{t}"' for t in tokens)


def parse_before(text: str) -> date | None:
    """`2025-06-30`, `30/6/2025` or a period (its last day) → date; None when not a date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        period = parse_period(text)
        return period.due_by if period is not None else None


def _loads(value: str | None) -> Any:
    return json.loads(value) if value else []


def row_to_record(row: dict[str, Any]) -> Record:
    """A `records` row back into a Record (JSON lists decoded, flags as bool)."""
    data = {k: v for k, v in row.items() if k in _RECORD_FIELDS}
    for key in JSON_RECORD_FIELDS:
        data[key] = _loads(data.get(key))
    data["deadline_inherited"] = bool(data.get("deadline_inherited"))
    data["leader_inherited"] = bool(data.get("leader_inherited"))
    return Record(**data)


def row_to_clause(row: dict[str, Any]) -> Clause:
    """A `clauses` row back into a Clause."""
    data = {k: v for k, v in row.items() if k in _CLAUSE_FIELDS}
    for key in JSON_CLAUSE_FIELDS:
        data[key] = _loads(data.get(key))
    return Clause(**data)


def row_to_document(row: dict[str, Any]) -> Document:
    """A `documents` row back into a Document."""
    return Document(
        id=row["id"],
        file=row["file"],
        number=row["number"] or "",
        date=row["date"],
        issuer=row["issuer"] or "",
        title=row["title"] or "",
        scope=row["scope"] or "",
        supersedes=_loads(row["supersedes"]),
        short_name=row["short_name"] or "",
        aliases=_loads(row["aliases"]),
    )


def _split_row(row: str) -> tuple[str | None, str, str | None]:
    """Row id → (section code, item number, global STT) e.g. "132 (II.1.2.1 11)" → ("II.1.2.1", "11", "132")."""
    part2 = re.match(r"^(\d+)\s+\((\S+)\s+(\S+)\)$", row)
    if part2:
        return part2.group(2), part2.group(3), part2.group(1)
    bare = re.sub(r"\s+\([^)]*\)$", "", row).strip()
    pieces = bare.split()
    if len(pieces) >= 2:
        return pieces[0], pieces[1], None
    return None, bare.rstrip("."), None


def record_location(record: Record) -> str:
    """Human location of a record: "Phụ lục 2, mục I.4, nhiệm vụ 2" / "Phụ lục I, chỉ tiêu 37"."""
    code, number, stt = _split_row(record.row)
    noun = KIND_NOUNS.get(record.kind, "dòng")
    parts = [record.appendix] if record.appendix else []
    if code and not code.upper().startswith("PL"):
        section = code
        if record.kind == "model" and "." in number and code[:1].isalpha():
            section = f"{code}.{number.split('.')[0]}"
        parts.append(f"mục {section}")
    parts.append(f"{noun} {number}" + (f" (STT {stt})" if stt else ""))
    if record.source:
        parts.append(record.source)
    return ", ".join(parts)


def clause_location(clause: Clause) -> str:
    """Human location of a clause: enclosing headings, then the line it starts on."""
    parts = list(clause.heading_path)
    if clause.appendix and not any(p.startswith(clause.appendix) for p in parts):
        parts.insert(0, clause.appendix)
    where = " › ".join(parts) if parts else "Phần nội dung"
    return f"{where} ({clause.source or f'dòng {clause.line_start}'})"


class KnowledgeBase:
    """Read-only access to `kb.sqlite`; one SQLite connection per thread, so safe to share."""

    def __init__(self, path: Path | str, directory: AgencyDirectory | None = None) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise KnowledgeBaseMissing(
                f"Chưa có cơ sở tri thức tại {self.path}; hãy chạy `planbot index`."
            )
        self._uri = f"{self.path.as_uri()}?mode=ro"
        self._identity = _file_identity(self.path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._directory = directory
        self._documents: list[Document] | None = None
        self._links: dict[str, list[dict[str, Any]]] | None = None
        self._records: list[tuple[dict[str, Any], Record]] | None = None
        self._conn()  # fail early when the file is not a readable SQLite database

    # -- plumbing ---------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._uri, uri=True)
            conn.row_factory = sqlite3.Row
            conn.execute("SELECT count(*) FROM documents").fetchone()
            self._local.conn = conn
        return conn

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._conn().execute(sql, params).fetchall()]

    @property
    def directory(self) -> AgencyDirectory:
        """The agency directory used to resolve names typed by users (loaded on first use)."""
        with self._lock:
            if self._directory is None:
                self._directory = AgencyDirectory.load()
            return self._directory

    def stale(self) -> bool:
        """True when a rebuild has swapped a new file in; open a new KnowledgeBase to see it."""
        try:
            return _file_identity(self.path) != self._identity
        except OSError:
            return True

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- metadata -----------------------------------------------------------------------------
    def build_info(self) -> dict[str, Any]:
        """Build metadata: corpus hash, build time, counts, parse issues."""
        return {r["key"]: json.loads(r["value"]) for r in self._rows("SELECT * FROM build_info")}

    def documents(self) -> list[Document]:
        """All documents, ordered by id."""
        with self._lock:
            if self._documents is None:
                rows = self._rows("SELECT * FROM documents ORDER BY id")
                self._documents = [row_to_document(r) for r in rows]
            return list(self._documents)

    def document(self, ref: str) -> Document | None:
        """A document by id ("003"), file name, number ("402/KH-UBND" or "402") or alias."""
        key = (ref or "").strip()
        if not key:
            return None
        docs = self.documents()
        for doc in docs:
            if key in (doc.id, doc.file, doc.file.removesuffix(".txt")):
                return doc
        folded = fold(key)
        for doc in docs:
            number = fold(doc.number)
            if number and (folded == number or folded == number.split("/")[0].strip()):
                return doc
        for doc in docs:
            if folded in (fold(a) for a in doc.aliases) or folded == fold(doc.short_name):
                return doc
        return None

    # -- agencies -------------------------------------------------------------------------------
    def _agency_links(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            if self._links is None:
                links: dict[str, list[dict[str, Any]]] = {}
                sql = "SELECT * FROM record_agencies ORDER BY record_id, role, position"
                for row in self._rows(sql):
                    links.setdefault(row["record_id"], []).append(row)
                self._links = links
            return self._links

    def resolve_agency(self, text: str) -> AgencyQuery:
        """Resolve typed agency text (alias, abbreviation, no diacritics) via the directory."""
        canonicals = tuple(self.directory.match(text))
        if not canonicals:
            alias = self._rows("SELECT canonical FROM aliases WHERE alias = ?", (fold(text),))
            canonicals = tuple(r["canonical"] for r in alias)
        return AgencyQuery(text=text, canonicals=canonicals)

    def _link_match(self, query: AgencyQuery, link: dict[str, Any]) -> str | None:
        """ "direct", "inherited" or None for one printed agency against a resolved query."""
        if not query.canonicals:
            return "direct" if contains_phrase(link["printed"], query.text) else None
        best: str | None = None
        for canonical in query.canonicals:
            if link["canonical"] == canonical:
                return "direct"
            matches, via_predecessor = self.directory.agency_matches(canonical, link["printed"])
            if matches and not via_predecessor:
                return "direct"
            if matches:
                best = "inherited"
        return best

    def _agency_filter(
        self, query: AgencyQuery, roles: tuple[str, ...], record_id: str
    ) -> str | None:
        """How a record matches an agency query in the given roles (direct wins over inherited)."""
        best: str | None = None
        for link in self._agency_links().get(record_id, []):
            if link["role"] not in roles:
                continue
            how = self._link_match(query, link)
            if how == "direct":
                return how
            best = best or how
        return best

    # -- records ----------------------------------------------------------------------------------
    def _view(self, record: Record, docs: dict[str, Document], inherited: bool) -> RecordView:
        links = self._agency_links().get(record.id, [])
        lead = [x for x in links if x["role"] in LEAD_ROLES]
        coord = [x for x in links if x["role"] in COORDINATING_ROLES]
        return RecordView(
            record=record,
            document=docs[record.document],
            lead_current=[x["current"] for x in lead],
            coordinating_current=[x["current"] for x in coord],
            lead_canonical=[x["canonical"] for x in lead],
            coordinating_canonical=[x["canonical"] for x in coord],
            inherited=inherited,
        )

    def _all_records(self) -> list[tuple[dict[str, Any], Record]]:
        """Every record row and its Record, read once: the file is read-only and a rebuild
        swaps in a new file (and a new KnowledgeBase), so lists and filters never re-read it."""
        with self._lock:
            if self._records is None:
                rows = self._rows("SELECT * FROM records ORDER BY document, position")
                self._records = [(row, row_to_record(row)) for row in rows]
            return self._records

    def _record_rows(self, f: RecordFilter) -> list[tuple[dict[str, Any], Record]] | None:
        document = kind = None
        ids: set[str] | None = None
        if f.document:
            doc = self.document(f.document)
            if doc is None:
                return None
            document = doc.id
        if f.kind:
            kind = f.kind
        if f.text is not None and f.text.strip():
            match = fts_query(f.text)
            if match is None:
                return None
            sql = f"SELECT ref FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND source = 'record'"
            ids = {r["ref"] for r in self._rows(sql, (match,))}
        return [
            (row, record)
            for row, record in self._all_records()
            if (document is None or row["document"] == document)
            and (kind is None or row["kind"] == kind)
            and (ids is None or row["id"] in ids)
        ]

    def iter_records(self, f: RecordFilter | None = None) -> Iterator[RecordView]:
        """Records matching `f` in document/source order (no limit/offset applied)."""
        f = f or RecordFilter()
        rows = self._record_rows(f)
        if rows is None:
            return
        due = parse_period(f.due) if isinstance(f.due, str) else f.due
        if isinstance(f.due, str) and due is None:
            return
        before = parse_before(f.before) if isinstance(f.before, str) else f.before
        if isinstance(f.before, str) and before is None:
            return
        checks = [
            (self.resolve_agency(text), roles)
            for text, roles in (
                (f.lead, LEAD_ROLES),
                (f.coordinating, COORDINATING_ROLES),
                (f.agency, ALL_ROLES),
            )
            if text and text.strip()
        ]
        docs = {d.id: d for d in self.documents()}
        for row, record in rows:
            if due is not None:
                span = DueRange(
                    row["deadline"],
                    date.fromisoformat(row["due_from"]) if row["due_from"] else None,
                    date.fromisoformat(row["due_by"]) if row["due_by"] else None,
                    "stored",
                )
                if not overlaps(span, due):
                    continue
                if due.kind in DEADLINE_WINDOWS and is_ongoing(row["deadline"]):
                    continue  # continuing work has no due day to be late on
            if before is not None and not (row["due_by"] and row["due_by"] <= before.isoformat()):
                continue
            inherited = False
            matched = True
            for query, roles in checks:
                how = self._agency_filter(query, roles, row["id"])
                if how is None:
                    matched = False
                    break
                inherited = inherited or how == "inherited"
            if matched:
                yield self._view(record, docs, inherited)

    def records(self, f: RecordFilter | None = None) -> list[RecordView]:
        """Records matching `f`, then `offset`/`limit` applied."""
        f = f or RecordFilter()
        out = list(self.iter_records(f))[max(f.offset, 0) :]
        return out if f.limit is None else out[: max(f.limit, 0)]

    def record(self, record_id: str) -> RecordView | None:
        """One record by exact id ("003:I.4 2")."""
        rows = self._rows("SELECT * FROM records WHERE id = ?", (record_id,))
        if not rows:
            return None
        return self._view(row_to_record(rows[0]), {d.id: d for d in self.documents()}, False)

    # -- clauses ----------------------------------------------------------------------------------
    def clauses(self, document: str | None = None) -> list[Clause]:
        """Clauses of one document (id, file, number or alias) or of all, in source order."""
        if document is None:
            rows = self._rows("SELECT * FROM clauses ORDER BY document, line_start")
        else:
            doc = self.document(document)
            if doc is None:
                return []
            rows = self._rows(
                "SELECT * FROM clauses WHERE document = ? ORDER BY line_start", (doc.id,)
            )
        return [row_to_clause(r) for r in rows]

    def clause(self, clause_id: str) -> Clause | None:
        """One clause by id ("003:c45")."""
        rows = self._rows("SELECT * FROM clauses WHERE id = ?", (clause_id,))
        return row_to_clause(rows[0]) if rows else None

    # -- references -------------------------------------------------------------------------------
    def candidates(self, ref: str) -> list[RecordView | Clause]:
        """Everything a reference could mean: `003:I.4 2`, `402 I.4 2`, `003 PLI 37`, `003:c45`."""
        ref = " ".join((ref or "").split())
        if not ref:
            return []
        if ":" in ref:
            doc_part, row_part = (p.strip() for p in ref.split(":", 1))
        else:
            doc_part, _, row_part = ref.partition(" ")
        doc = self.document(doc_part)
        if doc is None or not row_part:
            return []
        if _CLAUSE_REF.match(row_part):
            clause = self.clause(f"{doc.id}:{row_part}")
            return [clause] if clause else []
        exact = self.record(f"{doc.id}:{row_part}")
        if exact is not None:
            return [exact]
        rows = self._rows("SELECT * FROM records WHERE document = ? ORDER BY position", (doc.id,))
        want = _row_key(row_part)
        docs = {d.id: d for d in self.documents()}
        hits = [r for r in rows if want in _row_keys(r["row"])]
        if not hits:
            hits = [r for r in rows if _row_key(r["row"]).startswith(want + " ")]
        if not hits:  # the printed number alone ("25"): unique when the plan numbers rows globally
            hits = [r for r in rows if _row_key(_split_row(r["row"])[1]) == want]
        return [self._view(row_to_record(r), docs, False) for r in hits]

    def get(self, ref: str) -> RecordView | Clause | None:
        """The one record or clause a reference names; None when unknown or ambiguous."""
        found = self.candidates(ref)
        return found[0] if len(found) == 1 else None

    # -- JSON ---------------------------------------------------------------------------------------
    def record_json(self, view: RecordView) -> dict[str, Any]:
        """The documented record JSON (`planbot tasks --json`, API `facts`)."""
        return record_json(view)

    def clause_json(self, clause: Clause) -> dict[str, Any]:
        """The clause JSON with its citation."""
        doc = self.document(clause.document)
        if doc is None:
            raise KeyError(clause.document)
        return clause_json(clause, doc)


def _file_identity(path: Path) -> tuple[int, int]:
    """(inode, mtime) of a file: changes when `os.replace` swaps a new KB in."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def _row_key(row: str) -> str:
    """Loose form of a row id for matching user input ("pl1 37" ~ "PLI 37", "1" ~ "1.")."""
    key = fold(row).replace("pl1 ", "pli ").rstrip(".")
    return re.sub(r"\.(\s|$)", r"\1", key).strip()


def _row_keys(row: str) -> set[str]:
    """Ways a user may name a row: itself, without the heading name, STT or (section detail)."""
    keys = {_row_key(row)}
    code, number, stt = _split_row(row)
    if stt:
        keys.add(_row_key(stt))
        keys.add(_row_key(f"{code} {number}"))
    keys.add(_row_key(re.sub(r"\s+\([^)]*\)$", "", row)))
    return keys


def record_json(view: RecordView) -> dict[str, Any]:
    """Record → the JSON shape documented in CONTRIBUTING.md ("Record identity and JSON")."""
    r, doc = view.record, view.document
    return {
        "id": r.id,
        "kind": r.kind,
        "document": doc.file,
        "document_number": doc.number,
        "row": r.row,
        "section": r.section,
        "content": r.content,
        "leader": r.leader,
        "leader_inherited": r.leader_inherited,
        "lead": list(r.lead),
        "coordinating": list(r.coordinating),
        "deadline": r.deadline,
        "deadline_inherited": r.deadline_inherited,
        "due_from": r.due_from,
        "due_by": r.due_by,
        "product": r.product,
        "note": r.note,
        "target": r.target,
        "lead_current": list(view.lead_current),
        "coordinating_current": list(view.coordinating_current),
        "inherited": view.inherited,
        "citation": {
            "document": doc.file,
            "title": doc.short_name or doc.title,
            "location": record_location(r),
            "quote": r.quote or r.content,
        },
    }


def clause_json(clause: Clause, doc: Document) -> dict[str, Any]:
    """Clause → JSON with the same citation shape as records."""
    return {
        "id": clause.id,
        "kind": "clause",
        "document": doc.file,
        "document_number": doc.number,
        "number": clause.number,
        "heading_path": list(clause.heading_path),
        "text": clause.text,
        "appendix": clause.appendix,
        "line_start": clause.line_start,
        "line_end": clause.line_end,
        "citation": {
            "document": doc.file,
            "title": doc.short_name or doc.title,
            "location": clause_location(clause),
            "quote": clause.text,
        },
    }
