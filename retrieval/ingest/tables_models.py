"""Pilot-model appendix tables (000, 001 style) → `Record(kind="model")`, found by header rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.cleaning import clean_text, join_parts
from retrieval.ingest.body import classify
from retrieval.ingest.tables import header_roles, table_kind
from retrieval.models import Document, ParseIssue, Record, TableParse

_GROUP = re.compile(r"^[A-HJ-UWYZ]\.?$")  # "A".."D" group rows (I, V, X are roman parts)
_ROMAN = re.compile(r"^[IVX]{1,4}\.?$")
_FIELD = re.compile(r"^\d{1,2}\.?$")
_ROMAN_HEAD = re.compile(r"^([IVX]{1,4})\.\s")
_TIME_CLAUSE = re.compile(
    r"^(?:(\d{1,2}(?:\.\d{1,2})*)\.?\s*)?thời gian(?:\s+(?:thực hiện|hoàn thành|thí điểm|triển khai))?"
    r"\s*:\s*(.*)$"
)
_AGENCY_START = re.compile(
    r"^(?:Sở|UBND|Ủy ban|Uỷ ban|Cục|Công an|Văn phòng|Ban|Báo|Bộ|Trung tâm|Thuế|Đài|Kho bạc|"
    r"Ngân hàng|Bảo hiểm|Viện|Trường|Hội|Liên đoàn|Thành đoàn|Đoàn|Tổng công ty|Công ty|"
    r"Bưu điện|Viettel|VNPT|Các|các|đơn vị|Đơn vị|Doanh nghiệp|doanh nghiệp)\b"
)


@dataclass(frozen=True)
class Columns:
    """Column positions of one model table, read from its header row."""

    stt: int
    content: int
    lead: int
    coordinating: int
    deadline: int | None
    product: int | None
    note: int | None
    width: int


@dataclass
class _Heading:
    """A group (`A`), part (`I`) or field (`1 Lĩnh vực …`) heading row inside a model table."""

    label: str
    name: str
    deadline: str | None = None
    repeated: bool = False  # its number was already used by an earlier heading in the same part


@dataclass
class _Context:
    """The headings enclosing the current row, and field numbers already seen in this part."""

    group: _Heading | None = None
    part: _Heading | None = None
    area: _Heading | None = None  # field heading, e.g. `1 Lĩnh vực Giáo dục và Đào tạo`
    seen_fields: set[str] = field(default_factory=set)
    last: _Heading | None = None  # the heading row just read (its name may continue)

    def chain(self) -> list[_Heading]:
        return [h for h in (self.group, self.part, self.area) if h]


@dataclass
class _Row:
    """A table row with its cell pieces, collected before cleaning and de-duplication."""

    row: str
    stt: str
    section: str
    lines: list[int]
    cells: dict[str, list[str]] = field(default_factory=dict)
    group_deadline: tuple[str, str] | None = None  # (deadline, section) of an enclosing heading


def header_columns(line: str) -> Columns | None:
    """Columns of a model-table header (content column says "mô hình"), else None."""
    cells = line.split("\t")
    roles = header_roles(cells)
    if roles is None or table_kind(cells, roles) != "model" or "lead" not in roles:
        return None

    def find(role: str) -> int | None:
        return roles.index(role) if role in roles else None

    coordinating = find("coordinating")
    return Columns(
        stt=find("stt") or 0,
        content=roles.index("content"),
        lead=roles.index("lead"),
        coordinating=coordinating if coordinating is not None else len(cells),
        deadline=find("deadline"),
        product=find("product"),
        note=find("note"),
        width=len(cells),
    )


def split_agencies(text: str) -> list[str]:
    """First, simple split of an agency cell on `;` and on `,` before a new agency name."""
    items: list[str] = []
    for chunk in text.split(";"):
        current = ""
        for piece in chunk.split(","):
            piece = piece.strip()
            if current and _AGENCY_START.match(piece):
                items.append(current)
                current = piece
            else:
                current = f"{current}, {piece}" if current else piece
        items.append(current)
    return [i.strip(" ,.") for i in items if i.strip(" ,.")]


def _cells(text: str, width: int) -> list[str]:
    cells = text.split("\t")
    return cells + [""] * (width - len(cells))


def _appendix_name(lines: list[str], header_index: int) -> str:
    """The nearest `Phụ lục …` line above the table header."""
    for j in range(header_index - 1, -1, -1):
        stripped = lines[j].strip()
        if stripped and "\t" not in lines[j]:
            marker = classify(stripped)
            if marker.appendix:
                return marker.appendix
    return "Phụ lục"


def find_body_deadline(lines: list[str], taken: set[int]) -> tuple[str, str] | None:
    """The plan-wide `Thời gian: …` clause in the body → (deadline as printed, "mục II.3")."""
    roman = ""
    for i, raw in enumerate(lines):
        if i + 1 in taken:
            continue
        stripped = raw.strip()
        head = _ROMAN_HEAD.match(stripped)
        if head:
            roman = head.group(1)
        m = _TIME_CLAUSE.match(stripped.casefold())
        if not m:
            continue
        value = stripped[len(stripped) - len(m.group(2)) :].strip()
        if not value:
            value = next((s.strip() for s in lines[i + 1 :] if s.strip()), "")
        value = clean_text(value).rstrip(" .;")
        if value:
            where = ".".join(p for p in (roman, m.group(1) or "") if p)
            return value, f"mục {where}" if where else f"dòng {i + 1}"
    return None


def _named_cells(cells: list[str], cols: Columns) -> dict[str, str]:
    """The row's cells keyed by meaning (content, lead, coordinating, deadline, product, note)."""
    positions = {
        "content": cols.content,
        "lead": cols.lead,
        "coordinating": cols.coordinating,
        "deadline": cols.deadline,
        "product": cols.product,
        "note": cols.note,
    }
    return {k: cells[i].strip() for k, i in positions.items() if i is not None and i < len(cells)}


def _read_heading(stt: str, named: dict[str, str], ctx: _Context) -> bool:
    """Update the context when the row is a group/part/field heading; False for data rows."""
    if any(v for k, v in named.items() if k not in {"content", "deadline"}):
        return False
    heading = _Heading(
        stt.rstrip("."),
        clean_text(named.get("content", "")),
        clean_text(named.get("deadline", "")) or None,
    )
    if _GROUP.match(stt):
        ctx.group, ctx.part, ctx.area, ctx.seen_fields = heading, None, None, set()
    elif _ROMAN.match(stt):
        ctx.part, ctx.area, ctx.seen_fields = heading, None, set()
    elif _FIELD.match(stt) and (ctx.group or ctx.part):
        heading.repeated = heading.label in ctx.seen_fields
        ctx.seen_fields.add(heading.label)
        ctx.area = heading
    else:
        return False
    ctx.last = heading
    return True


def _new_row(stt: str, ctx: _Context, lineno: int, named: dict[str, str]) -> _Row:
    """A data row: its eval-format id (`D.II 6.8 (…)`), section and first cell pieces."""
    prefix = ".".join(h.label for h in (ctx.group, ctx.part) if h)
    row = f"{prefix} {stt}" if prefix else stt
    if ctx.area is not None and ctx.area.repeated:
        row += f" ({ctx.area.name})"
    chain = ctx.chain()
    section = f"{'.'.join(h.label for h in chain)} {chain[-1].name}".strip() if chain else ""
    inherited = next(
        ((h.deadline, f"{h.label} {h.name}") for h in reversed(chain) if h.deadline), None
    )
    cells = {k: [v] for k, v in named.items() if v}
    return _Row(row, stt, section, [lineno], cells, inherited)


class _TableReader:
    """Reads one document's model tables line by line, tracking group/part/field headings."""

    def __init__(self, doc: Document, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.issues: list[ParseIssue] = []
        self.table_lines: set[int] = set()

    def warn(self, line: int, message: str) -> None:
        self.issues.append(ParseIssue(self.doc.file, line, message))

    def read(self) -> list[tuple[_Row, Columns, str]]:
        """All data rows with their table's columns and appendix name, continuations merged."""
        out: list[tuple[_Row, Columns, str]] = []
        cols: Columns | None = None
        appendix = "Phụ lục"
        ctx = _Context()
        current: _Row | None = None
        for lineno, raw in enumerate(self.lines, start=1):
            header = header_columns(raw)
            if header is not None:
                if cols is None:
                    appendix = _appendix_name(self.lines, lineno - 1)
                cols = header
                self.table_lines.add(lineno)
                continue
            if cols is None or not raw.strip():
                continue
            if "\t" not in raw:  # prose after the table: it has ended
                cols, current, ctx = None, None, _Context()
                continue
            self.table_lines.add(lineno)
            cells = _cells(raw, cols.width)
            if len(cells) > cols.width and any(c.strip() for c in cells[cols.width :]):
                self.warn(lineno, f"Dòng có {len(cells)} ô, nhiều hơn {cols.width} cột tiêu đề")
            stt = cells[cols.stt].strip()
            named = _named_cells(cells, cols)
            if stt:
                if _read_heading(stt, named, ctx):
                    current = None
                else:
                    current = _new_row(stt, ctx, lineno, named)
                    ctx.last = None
                    out.append((current, cols, appendix))
            elif current is not None:
                for key, text in named.items():
                    if text:
                        current.cells.setdefault(key, []).append(text)
                current.lines.append(lineno)
            elif ctx.last is not None and named.get("content"):
                ctx.last.name = join_parts([ctx.last.name, named["content"]])
            else:
                self.warn(lineno, "Dòng tiếp nối không có hàng phía trước; đã bỏ qua")
        return out


def _record(
    doc: Document, row: _Row, appendix: str, body_deadline: tuple[str, str] | None
) -> Record:
    def cell(key: str) -> str:
        return join_parts(row.cells.get(key, []))

    content = cell("content")
    lead_raw, coord_raw = cell("lead"), cell("coordinating")
    deadline: str | None = cell("deadline") or None
    inherited, source = False, None
    if deadline is None and row.group_deadline:
        deadline, source, inherited = row.group_deadline[0], f"nhóm {row.group_deadline[1]}", True
    elif deadline is None and body_deadline:
        deadline, source, inherited = body_deadline[0], body_deadline[1], True
    return Record(
        id=f"{doc.id}:{row.row}",
        document=doc.id,
        kind="model",
        row=row.row,
        appendix=appendix,
        section=row.section,
        content=content,
        lead_raw=lead_raw,
        coordinating_raw=coord_raw,
        lead=split_agencies(lead_raw),
        coordinating=split_agencies(coord_raw),
        deadline=deadline,
        deadline_inherited=inherited,
        deadline_source=source,
        product=cell("product") or None,
        note=cell("note") or None,
        stt=row.stt,
        line_start=min(row.lines),
        line_end=max(row.lines),
        quote=content,
    )


def parse_model_tables(doc: Document, lines: list[str]) -> TableParse:
    """Parse every pilot-model table of a document; duplicates and oddities become issues."""
    reader = _TableReader(doc, lines)
    rows = reader.read()
    result = TableParse(issues=reader.issues)
    if not rows:
        return result
    needs_body = any(cols.deadline is None for _, cols, _ in rows)
    body_deadline = find_body_deadline(lines, reader.table_lines) if needs_body else None
    by_id: dict[str, Record] = {}
    for row, cols, appendix in rows:
        rec = _record(doc, row, appendix, body_deadline if cols.deadline is None else None)
        kept = by_id.get(rec.row)
        if kept is None:
            by_id[rec.row] = rec
            result.records.append(rec)
            continue
        same = (kept.content, kept.lead_raw, kept.coordinating_raw, kept.deadline) == (
            rec.content,
            rec.lead_raw,
            rec.coordinating_raw,
            rec.deadline,
        )
        if same:
            kept.duplicate_lines.extend(row.lines)
            result.issues.append(
                ParseIssue(
                    doc.file,
                    rec.line_start,
                    f"Hàng {rec.row} in lặp (trùng dòng {kept.line_start}); giữ một bản",
                )
            )
            continue
        rec.row = f"{rec.row} (dòng {rec.line_start})"
        rec.id = f"{doc.id}:{rec.row}"
        by_id[rec.row] = rec
        result.records.append(rec)
        result.issues.append(
            ParseIssue(
                doc.file,
                rec.line_start,
                f"Số thứ tự {row.row} trùng với dòng {kept.line_start} nhưng nội dung khác",
            )
        )
    return result
