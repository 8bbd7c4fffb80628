"""Normalise parsed records: split agency cells and turn printed deadlines into ISO date ranges."""

from __future__ import annotations

import re
from dataclasses import replace

from retrieval.agencies import AgencyDirectory, split_agencies
from retrieval.deadlines import parse_deadline
from retrieval.models import Document, ParsedDocument, ParseIssue, Record

_TITLE_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_ANY_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


def plan_year(document: Document) -> int | None:
    """The year a plan is about: "năm 2025" in the title, else the document date's year."""
    match = _TITLE_YEAR.search(document.title)
    if match:
        return int(match.group(1))
    if document.date:
        found = _ANY_YEAR.match(document.date)
        if found:
            return int(found.group(1))
    match = _ANY_YEAR.search(document.number)
    return int(match.group(1)) if match else None


def enrich_record(record: Record, year: int | None, file: str) -> tuple[Record, ParseIssue | None]:
    """Split the agency cells and date the deadline; the printed cell texts stay untouched."""
    lead = split_agencies(record.lead_raw) if record.lead_raw else list(record.lead)
    coordinating = (
        split_agencies(record.coordinating_raw)
        if record.coordinating_raw
        else list(record.coordinating)
    )
    due = parse_deadline(record.deadline, year)
    due_from, due_by = due.iso()
    issue = None
    if record.deadline and due.due_from is None and due.due_by is None:
        issue = ParseIssue(
            file=file,
            line=record.line_start,
            message=f"Không xác định được thời hạn “{record.deadline}” của dòng {record.row}",
        )
    enriched = replace(
        record,
        lead=lead,
        coordinating=coordinating,
        due_from=due_from,
        due_by=due_by,
    )
    return enriched, issue


def enrich(parsed: ParsedDocument, directory: AgencyDirectory) -> ParsedDocument:
    """Return a copy of `parsed` whose records carry split agencies and due_from/due_by.

    Splitting needs no directory; it is taken so the build passes one directory to every step
    (canonical and current names are resolved from it by the store).
    """
    year = plan_year(parsed.document)
    records: list[Record] = []
    issues = list(parsed.issues)
    for record in parsed.records:
        enriched, issue = enrich_record(record, year, parsed.document.file)
        records.append(enriched)
        if issue is not None:
            issues.append(issue)
    return replace(parsed, records=records, issues=issues)
