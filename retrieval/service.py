"""The knowledge-base service: the one read API the CLI, HTTP API, chat commands and assistant call."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from retrieval.agencies import AgencyDirectory, Succession
from retrieval.deadlines import DueRange
from retrieval.kb import AgencyQuery, KnowledgeBase, RecordFilter, RecordView
from retrieval.models import Clause, Document


class Searcher(Protocol):
    """What the service needs from a hybrid searcher."""

    def search(self, query: str, k: int = 10, allowed: Container[str] | None = None) -> list[Any]:
        """Fused top-k hits."""
        ...


@dataclass(frozen=True)
class AgencyStatus:
    """What became of an agency: its succession step (None: unchanged) and today's name."""

    name: str
    step: Succession | None
    current: str | None


class KnowledgeService:
    """Documents, records, clauses, references, agencies and search over one build."""

    def __init__(self, kb: KnowledgeBase, searcher: Searcher | None = None) -> None:
        self.kb = kb
        self.searcher = searcher

    @classmethod
    def open(cls, kb_path: str, searcher: Searcher | None = None) -> KnowledgeService:
        """A service over `kb.sqlite` at `kb_path`."""
        return cls(KnowledgeBase(kb_path), searcher)

    @property
    def directory(self) -> AgencyDirectory:
        """The agency directory the knowledge base was built with (names, aliases, successors)."""
        return self.kb.directory

    def build_info(self) -> dict[str, Any]:
        """What the current build was made from (corpus hash, counts, snapshot)."""
        return self.kb.build_info()

    # -- documents -------------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        """Every plan, ordered by id."""
        return self.kb.documents()

    def document(self, ref: str) -> Document | None:
        """A plan by id, file name, number or alias."""
        return self.kb.document(ref)

    # -- records and clauses ---------------------------------------------------------------------
    def records(self, f: RecordFilter | None = None) -> list[RecordView]:
        """Records matching the filter (agency aliases resolved, predecessors included)."""
        return self.kb.records(f)

    def iter_records(self, f: RecordFilter | None = None) -> Iterator[RecordView]:
        """Records matching the filter, lazily."""
        return self.kb.iter_records(f)

    def record(self, record_id: str) -> RecordView | None:
        """One record by exact id."""
        return self.kb.record(record_id)

    def clauses(self, document: str | None = None) -> list[Clause]:
        """Clauses of one plan, or of all."""
        return self.kb.clauses(document)

    def get(self, ref: str) -> RecordView | Clause | None:
        """The one record or clause a reference names ("402 I.4 2", "003:c45")."""
        return self.kb.get(ref)

    def candidates(self, ref: str) -> list[RecordView | Clause]:
        """Everything a loose reference could mean."""
        return self.kb.candidates(ref)

    def record_json(self, view: RecordView) -> dict[str, Any]:
        """A record as documented JSON (`planbot tasks --json`, API facts)."""
        return self.kb.record_json(view)

    def clause_json(self, clause: Clause) -> dict[str, Any]:
        """A clause as JSON with its citation."""
        return self.kb.clause_json(clause)

    def due_records(self, period: DueRange, agency: str | None = None) -> list[RecordView]:
        """Rows whose deadline ends inside the period, soonest first."""
        if period.due_by is None:
            return []
        start = (period.due_from or date.min).isoformat()
        end = period.due_by.isoformat()
        views = [
            v
            for v in self.kb.records(RecordFilter(due=period, agency=agency or None))
            if v.record.due_by and start <= v.record.due_by <= end
        ]  # continuing work is already left out of deadline windows by the KB filter
        views.sort(key=lambda v: (v.record.due_by or "", v.record.document))
        return views

    def agency_records(self, agency: str) -> tuple[list[RecordView], list[RecordView]]:
        """(rows the agency leads, rows it only coordinates), predecessors' rows included."""
        lead = self.kb.records(RecordFilter(lead=agency))
        lead_ids = {v.record.id for v in lead}
        coordinating = [
            v
            for v in self.kb.records(RecordFilter(coordinating=agency))
            if v.record.id not in lead_ids
        ]
        return lead, coordinating

    # -- agencies --------------------------------------------------------------------------------
    def resolve_agency(self, text: str) -> AgencyQuery:
        """Typed agency text → canonical names."""
        return self.kb.resolve_agency(text)

    def agency_status(self, name: str) -> AgencyStatus:
        """What became of an agency in the 2025 reorganisation."""
        directory = self.kb.directory
        own = directory.own_name(name)  # a province's department keeps its province
        return AgencyStatus(own, directory.successor(own), directory.current(own))

    def predecessors(self, name: str) -> list[Succession]:
        """Agencies merged into this one (transitively)."""
        return self.kb.directory.predecessors(name)

    # -- search ----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, scope: str | None = None) -> list[Any]:
        """Fused hybrid hits for free text, optionally within one plan (`scope` = plan ref)."""
        if self.searcher is None:
            return []
        allowed: set[str] | None = None
        if scope:
            doc = self.document(scope)
            if doc is None:
                return []
            allowed = {v.record.id for v in self.records(RecordFilter(document=doc.id))}
            allowed |= {c.id for c in self.clauses(doc.id)}
        return self.searcher.search(query, k, allowed)
