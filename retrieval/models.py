"""Typed records shared by the parsers, the store, search and the channels."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RecordKind = Literal["task", "model", "indicator"]


@dataclass(frozen=True)
class Document:
    """One plan from the manifest (`corpus/manifest.json`)."""

    id: str  # short id: the file's numeric prefix, e.g. "003"
    file: str  # file name inside corpus/, e.g. "003_10c6ec8ef8560783.txt"
    number: str  # e.g. "402/KH-UBND" ("" when unnumbered draft)
    date: str | None  # ISO date when known, e.g. "2024-12-31"
    issuer: str
    title: str
    scope: str  # national | ministry | province | city | district | commune
    supersedes: list[str] = field(default_factory=list)
    short_name: str = ""  # how answers cite it, e.g. "Kế hoạch 402/KH-UBND"
    aliases: list[str] = field(default_factory=list)  # "kh 402", "ke hoach 402", ...


@dataclass
class Clause:
    """A body clause (heading or paragraph/bullet) with its heading path."""

    id: str  # stable: f"{doc_id}:c{line_start}" (line numbers are 1-based)
    document: str  # Document.id
    number: str  # label as printed: "I.", "1.", "1.1.", "a)", "-", "+", "Phụ lục 1"
    heading_path: list[str]  # titles of enclosing headings, outermost first
    text: str  # clean text: HTML removed, split lines joined
    line_start: int
    line_end: int
    level: int = 0
    appendix: str | None = None  # e.g. "Phụ lục 1" when inside an appendix
    source: str = ""  # DOCX/PDF: where it is printed, e.g. "trang 3" ("" for text plans)


@dataclass
class Record:
    """One appendix table row: a task, a pilot model, or an indicator."""

    id: str  # stable: f"{doc_id}:{row}"
    document: str  # Document.id
    kind: RecordKind
    row: str  # row id as in the eval format: "I.3 11", "D.II 6.8 (…)", "PLI 37", "1."
    appendix: str  # "Phụ lục 2", "Phụ lục I", "Phụ lục"
    section: str  # parent section, e.g. "I.5 Phát triển dữ liệu số"
    content: str  # clean cell text
    leader: str | None = None  # lãnh đạo chỉ đạo
    leader_inherited: bool = False  # taken from a group row or section, not the row's own cell
    lead_raw: str = ""  # cell text as printed (cleaned)
    coordinating_raw: str = ""
    lead: list[str] = field(default_factory=list)  # split agencies as printed
    coordinating: list[str] = field(default_factory=list)
    deadline: str | None = None  # as printed
    deadline_inherited: bool = False  # taken from a group row or the body, not the row
    deadline_source: str | None = None  # where an inherited deadline came from
    due_from: str | None = None  # ISO date
    due_by: str | None = None  # ISO date
    product: str | None = None  # sản phẩm (001)
    note: str | None = None  # ghi chú
    target: str | None = None  # indicators: 2025 target as printed
    stt: str | None = None  # global STT as printed (003), if any
    detail: str | None = None  # detail number as printed within its section
    line_start: int = 0
    line_end: int = 0
    quote: str = ""  # exact clean source text used as the citation quote
    duplicate_lines: list[int] = field(default_factory=list)  # rows printed twice
    source: str = ""  # DOCX/PDF: "trang 4, bảng 2, hàng 17" ("" for text plans)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParseIssue:
    """A problem found while parsing: reported with file and line, never raised."""

    file: str
    line: int
    message: str
    severity: Literal["warning", "error"] = "warning"


@dataclass
class ParsedDocument:
    """Everything one parser run extracts from one corpus file."""

    document: Document
    clauses: list[Clause] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    declared_counts: dict[str, int] = field(default_factory=dict)  # section -> count printed
    issues: list[ParseIssue] = field(default_factory=list)


@dataclass
class TableParse:
    """What one appendix-table parser returns for one document."""

    records: list[Record] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    declared_counts: dict[str, int] = field(default_factory=dict)
    clauses: list[Clause] = field(default_factory=list)  # table text that is not a row (group rows)
