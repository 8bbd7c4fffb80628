"""The searchable text of each record and clause: one definition shared by every index."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.models import Clause, Record

_CLAUSE_ID = re.compile(r":c\d+$")
_COUNT = re.compile(r"\s*\(\s*\d+\s+(?:nhiệm vụ|chỉ tiêu|mô hình)\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """One unit of search: a record or a clause, with the text the indexes see."""

    id: str
    document: str
    kind: str  # task | model | indicator | clause
    text: str  # what the lexical index and the reranker read
    # The dense encoder reads `body` (the passage's own words; "" → `text`) and each `context`
    # (heading path, section, lead, product) separately: contexts repeat across many passages,
    # so each distinct one is embedded once and added to the body's vector (retrieval/dense_text.py)
    body: str = ""
    context: tuple[str, ...] = ()


def is_clause_id(item_id: str) -> bool:
    """Clause ids end in `:c<line>`; every other id is a record id."""
    return bool(_CLAUSE_ID.search(item_id))


def record_passage(record: Record) -> Passage:
    """Section title, content and agencies: what a question about this row would mention."""
    section = _COUNT.sub("", record.section or "").strip()
    own = [record.content]
    if record.target:
        own.append(f"Mục tiêu: {record.target}")
    context = [section]
    if record.lead_raw:
        context.append(f"Chủ trì: {record.lead_raw}")
    if record.product:
        context.append(f"Sản phẩm: {record.product}")
    text = ". ".join(p.strip() for p in [section, *own, *context[1:]] if p and p.strip())
    body = ". ".join(p.strip() for p in own if p and p.strip())
    shared = tuple(c.strip() for c in context if c and c.strip())
    return Passage(record.id, record.document, record.kind, text, body or text, shared)


def clause_passage(clause: Clause) -> Passage:
    """The clause text under its nearest headings, so "Sở Tài chính có trách nhiệm gì" finds it."""
    path = [_COUNT.sub("", h).strip() for h in clause.heading_path[-2:]]
    path = [h for h in path if h]
    text = " › ".join([*path, clause.text]) if path else clause.text
    context = (" › ".join(path),) if path else ()
    return Passage(clause.id, clause.document, "clause", text, clause.text, context)


def build_passages(records: list[Record], clauses: list[Clause]) -> list[Passage]:
    """All passages of the knowledge base, records first, in a stable order."""
    items = [record_passage(r) for r in records]
    items += [clause_passage(c) for c in clauses if len(c.text) >= 12]
    return items
