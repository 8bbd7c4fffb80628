"""Parse 402-style appendix tables (Phụ lục I indicators, Phụ lục 2 tasks) into exact Records.

Tables are found by their header rows and read column by column from those headers, so any plan
printed with the same layout parses; nothing here depends on line numbers or a document id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from retrieval.cleaning import clean_text, join_parts
from retrieval.ingest.tables import Header, find_header, is_number_subheader
from retrieval.models import Clause, Document, ParseIssue, Record, TableParse

TableKind = Literal["indicator", "task"]
ItemKind = Literal["row", "section", "intro", "total"]

_AGENCY_ROLES = ("lead", "coordinating")

_ROW_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
_COUNT = re.compile(
    r"\(\s*(\d+)\s+(?:nhiệm vụ|chỉ tiêu)\s*\)|tổng số\s*:?\s*(\d+)\s+(?:nhiệm vụ|chỉ tiêu)",
    re.IGNORECASE,
)
_SECTION = re.compile(r"^(?P<num>[IVXHl1]+(?:\s*\.\s*[0-9IVXl]+)*\.?)(?=\s|$)\s*(?P<title>.*)$")
_LETTER_SECTION = re.compile(r"^(?P<num>[A-HJ-UWYZ])\.?\s+(?P<title>\S.*)$")
_ROMANS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
_APPENDIX = re.compile(r"^[*#\s]*PH[UỤ]\s*L[UỤ]C\s+([IVX]+|\d+)\b", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_TOTAL = re.compile(r"^tổng số", re.IGNORECASE)


@dataclass
class _Line:
    """One data line of a table with its cells keyed by column role."""

    no: int
    cells: dict[str, str]
    after_header: bool


@dataclass
class _Table:
    """One appendix table: its kind, appendix name, header layouts and data lines."""

    kind: TableKind
    appendix: str
    header_line: int
    layouts: dict[int, list[str | None]] = field(default_factory=dict)
    current: list[str | None] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Item:
    """A logical table row (possibly spread over several lines) before it becomes a Record."""

    kind: ItemKind
    line_start: int
    line_end: int
    parts: dict[str, list[str]] = field(default_factory=dict)
    number: str = ""  # row number as printed, e.g. "1.4."
    stt: str = ""  # global STT as printed
    sec_num: str | None = None  # normalised section number, e.g. "II.1.2.5"
    title: str = ""  # section title without its count
    count: int | None = None  # count the document prints for this section/total
    duplicate_lines: list[int] = field(default_factory=list)
    is_duplicate: bool = False

    def value(self, role: str) -> str:
        """Clean text of one cell, pieces from continuation lines joined."""
        return join_parts(self.parts.get(role, []))

    def add(self, cells: dict[str, str], line_no: int) -> None:
        """Append the cell pieces of one (continuation) line."""
        for role, text in cells.items():
            if text.strip():
                self.parts.setdefault(role, []).append(text)
        self.line_end = max(self.line_end, line_no)


# ---------------------------------------------------------------- finding tables and columns


def _appendix_name(lines: list[str], header_index: int) -> str:
    """Name of the appendix a table belongs to, from the nearest `PHỤ LỤC n` title above it."""
    for i in range(header_index - 1, max(-1, header_index - 15), -1):
        m = _APPENDIX.match(clean_text(lines[i]))
        if m:
            return f"Phụ lục {m.group(1).upper()}"
    return "Phụ lục"


def _assign(
    cells: list[str], table: _Table, line_no: int, file: str
) -> tuple[dict[str, str], list[ParseIssue]]:
    """Key one line's cells by role, using the header layout with the same cell count."""
    issues: list[ParseIssue] = []
    roles = table.layouts.get(len(cells))
    if roles is None:
        roles = table.current
        issues.append(
            ParseIssue(file, line_no, f"Dòng có {len(cells)} ô, tiêu đề bảng có {len(roles)} ô")
        )
        extra = [c for c in cells[len(roles) :] if c.strip()]
        if extra:
            issues.append(
                ParseIssue(file, line_no, f"Bỏ qua ô thừa: {clean_text(' '.join(extra))}")
            )
        cells = (cells + [""] * len(roles))[: len(roles)]
    out: dict[str, str] = {}
    for role, text in zip(roles, cells, strict=True):
        if role is None:
            if text.strip():
                issues.append(ParseIssue(file, line_no, f"Ô không có cột: {clean_text(text)}"))
            continue
        out[role] = f"{out[role]} {text}" if role in out else text
    return out, issues


def _header_at(lines: list[str], index: int) -> Header | None:
    """A task/indicator table header starting at line `index` (model tables have their own)."""
    below = lines[index + 1] if index + 1 < len(lines) else ""
    header = find_header(lines[index].split("\t"), below.split("\t") if "\t" in below else None)
    return header if header is not None and header.kind != "model" else None


def _find_tables(lines: list[str], file: str) -> tuple[list[_Table], list[ParseIssue]]:
    """Split the file into tables: each starts at a header row and ends at the next prose line."""
    tables: list[_Table] = []
    issues: list[ParseIssue] = []
    table: _Table | None = None
    after_header = False
    skip_next = False
    for index, raw in enumerate(lines):
        no = index + 1
        if skip_next:
            skip_next = False
            continue
        if "\t" not in raw:
            text = clean_text(raw)
            if text and not _PAGE_NUMBER.match(text):
                table = None
            continue
        cells = raw.split("\t")
        header = _header_at(lines, index)
        if header is not None:
            roles = header.roles
            skip_next = header.rows == 2
            kind: TableKind = header.kind  # type: ignore[assignment]
            if table is None or table.kind != kind:
                table = _Table(kind, _appendix_name(lines, index), no)
                tables.append(table)
            table.layouts[len(cells)] = roles
            table.current = roles
            after_header = True
            continue
        if table is None:
            continue
        if is_number_subheader(cells):
            after_header = True
            continue
        if not any(clean_text(c) for c in cells):
            continue
        keyed, found = _assign(cells, table, no, file)
        issues.extend(found)
        table.lines.append(_Line(no, keyed, after_header))
        after_header = False
    return tables, issues


# ---------------------------------------------------------------- classifying lines into items


def _declared_count(text: str) -> int | None:
    """A count printed in a group row: "(06 nhiệm vụ)", "Tổng số: 46 chỉ tiêu"."""
    m = _COUNT.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _section_title(text: str) -> str:
    """Section title without its printed count and trailing colon."""
    return clean_text(_COUNT.sub(" ", text)).strip(" :")


def normalise_section(num: str) -> str | None:
    """`II.1. 2.5` -> `II.1.2.5`; OCR slips `II.I. 2`/`H.I. 2.6`/`1.6.2` -> `II.1.2`/`II.1.2.6`/`I.6.2`."""
    parts = [p for p in re.sub(r"\s+", "", num).strip(".").split(".") if p]
    if not parts:
        return None
    first = parts[0].replace("H", "II").replace("l", "I").replace("1", "I")
    if first not in _ROMANS:
        return None
    rest = [p.replace("I", "1").replace("l", "1") for p in parts[1:]]
    if not all(p.isdigit() for p in rest):
        return None
    return ".".join([first, *rest])


def _first_letter_is_lower(text: str) -> bool:
    """True when the text starts (after tags/punctuation) with a lowercase letter."""
    for ch in clean_text(text):
        if ch.isalpha():
            return ch.islower()
    return False


def _numbered_item(line: _Line, number: str, stt: str, content: str) -> _Item:
    """A line whose number cell holds `4`, `1.4.`: a row, or a section misread as digits (`1.5`)."""
    item = _Item("row", line.no, line.no)
    has_agency = any(clean_text(line.cells.get(r, "")) for r in _AGENCY_ROLES)
    count = _declared_count(content)
    sec = normalise_section(number) if "." in number.strip(".") else None
    if sec and count is not None and not has_agency:
        item.kind, item.sec_num, item.count = "section", sec, count
        item.title = _section_title(content)
    else:
        item.number, item.stt = number, stt
    return item


def _unnumbered_item(line: _Line, lead_text: str, kind: TableKind) -> _Item | None:
    """A line without a row number: section, total, intro row, or None for a continuation."""
    item = _Item("intro", line.no, line.no)
    m = _SECTION.match(lead_text)
    sec = normalise_section(m.group("num")) if m else None
    count = _declared_count(lead_text)
    if m and sec:
        item.kind, item.sec_num, item.count = "section", sec, count
        item.title = _section_title(m.group("title"))
        return item
    letter = _LETTER_SECTION.match(lead_text)
    if letter and not any(clean_text(line.cells.get(r, "")) for r in _AGENCY_ROLES):
        item.kind, item.sec_num, item.count = "section", letter.group("num"), count
        item.title = _section_title(letter.group("title"))
        return item
    if count is not None:
        item.kind = "total" if _TOTAL.match(lead_text) else "section"
        item.count, item.title = count, _section_title(lead_text)
        return item
    number_cells = clean_text(line.cells.get("stt", "") + line.cells.get("detail", ""))
    if number_cells:
        return item  # an unreadable number: kept as an intro row and reported by the caller
    content = line.cells.get("content", "")
    # Page breaks split rows: the tail follows the repeated header, or starts mid-sentence.
    # Indicator tables have no intro rows, so any unnumbered line continues the row above.
    if kind == "indicator" or line.after_header or not clean_text(content):
        return None
    return None if _first_letter_is_lower(content) else item


def _classify(line: _Line, kind: TableKind) -> _Item | None:
    """Turn one line into a new item (row, section, intro, total); None means continuation."""
    stt, detail, content = (clean_text(line.cells.get(r, "")) for r in ("stt", "detail", "content"))
    number = detail or stt
    if _ROW_NUMBER.match(number) and (not stt or _ROW_NUMBER.match(stt)):
        item = _numbered_item(line, number, stt if detail else "", content)
    else:
        lead_text = " ".join(t for t in (stt, detail, content) if t)
        item = _unnumbered_item(line, lead_text, kind)
    if item is None:
        return None
    if item.kind in {"section", "total"}:
        # Section rows may carry a leader or deadline for their children; never the title cells.
        title_roles = {"stt", "detail", "content"}
        item.add({r: t for r, t in line.cells.items() if r not in title_roles}, line.no)
    else:
        item.add(line.cells, line.no)
    return item


def _items(table: _Table, file: str) -> tuple[list[_Item], list[ParseIssue]]:
    """Group a table's lines into items; continuation lines extend the item above them."""
    items: list[_Item] = []
    issues: list[ParseIssue] = []
    for line in table.lines:
        item = _classify(line, table.kind)
        if item is not None:
            if item.kind == "intro" and clean_text(
                line.cells.get("stt", "") + line.cells.get("detail", "")
            ):
                issues.append(ParseIssue(file, line.no, "Không nhận ra số thứ tự của dòng"))
            items.append(item)
            continue
        prev = items[-1] if items else None
        if prev is None or prev.kind not in {"row", "intro"}:
            text = clean_text(" ".join(line.cells.values()))
            issues.append(
                ParseIssue(file, line.no, f"Mảnh dòng không gắn được vào dòng nào, bỏ qua: {text}")
            )
            continue
        prev.add(line.cells, line.no)
    _nest_under_letters(items)
    return items, issues


def _nest_under_letters(items: list[_Item]) -> None:
    """Roman sections under a letter section ("A." then "I.", "II.", "B." then "I." again)
    are numbered within it ("A.I", "B.I"), so that two sections "I" stay apart."""
    letter: str | None = None
    for item in items:
        if item.kind != "section" or not item.sec_num:
            continue
        if _LETTER_SECTION.match(f"{item.sec_num} x") and len(item.sec_num) == 1:
            letter = item.sec_num
        elif letter and item.sec_num.split(".")[0] in _ROMANS:
            item.sec_num = f"{letter}.{item.sec_num}"


def _dedupe(items: list[_Item], file: str) -> list[ParseIssue]:
    """Mark rows printed twice (same number and content); keep the first, fill its gaps."""
    issues: list[ParseIssue] = []
    seen: dict[tuple[str, str], _Item] = {}
    for item in items:
        if item.kind != "row":
            continue
        key = (item.number.strip("."), item.value("content"))
        first = seen.get(key)
        if first is None:
            seen[key] = item
            continue
        item.is_duplicate = True
        first.duplicate_lines.append(item.line_start)
        if item.stt and not first.stt:
            first.stt = item.stt
        elif item.stt and item.stt != first.stt:
            issues.append(
                ParseIssue(file, item.line_start, f"Dòng lặp có STT {item.stt} khác {first.stt}")
            )
        for role, pieces in item.parts.items():
            if role not in first.parts:
                first.parts[role] = list(pieces)
        issues.append(
            ParseIssue(
                file,
                item.line_start,
                f"Dòng {item.number} in lặp lại (đã có ở dòng {first.line_start}); giữ một bản",
            )
        )
    return issues


# ---------------------------------------------------------------- structure and records


@dataclass
class _Placed:
    """A row with its place in the hierarchy: section, parent group row, detail id."""

    item: _Item
    section: _Item | None
    group: _Item | None
    detail: str
    intro: _Item | None
    is_group: bool = False


def _split_agencies(text: str) -> list[str]:
    """Trivial split of an agency cell on ';' (the enrich step does the real work)."""
    return [p.strip(" ;") for p in text.split(";") if p.strip(" ;")]


def _next_rows(items: list[_Item]) -> dict[int, _Item | None]:
    """For each live row, the next live row before any section row (for group detection)."""
    nxt: dict[int, _Item | None] = {}
    following: _Item | None = None
    for item in reversed(items):
        if item.is_duplicate:
            continue
        if item.kind == "section":
            following = None
        elif item.kind == "row":
            nxt[id(item)] = following
            following = item
    return nxt


def _is_group(item: _Item, following: _Item | None) -> bool:
    """A numbered row whose next row is its child (`1` then `1.1.`, or numbering restarts)."""
    if following is None or "." in item.number.strip("."):
        return False
    own, nxt = item.number.strip("."), following.number.strip(".")
    if nxt.startswith(own + "."):
        return True
    no_agency = not any(item.value(r) for r in _AGENCY_ROLES)
    return no_agency and nxt.isdigit() and int(nxt) <= int(own)


def _place(items: list[_Item]) -> Iterator[_Placed]:
    """Walk items in order, tracking the current section, group row and intro row."""
    nxt = _next_rows(items)
    section: _Item | None = None
    intro: _Item | None = None
    group: _Item | None = None
    implicit_last: int | None = None  # last child number when children restart at 1, 2, …
    for item in items:
        if item.is_duplicate:
            continue
        if item.kind == "section":
            section, intro, group = item, None, None
            continue
        if item.kind == "intro":
            intro = item
            continue
        if item.kind != "row":
            continue
        number = item.number.strip(".")
        if group is not None:
            own = group.number.strip(".")
            if number.startswith(own + "."):
                yield _Placed(item, section, group, number, intro)
                continue
            if implicit_last is not None and number == str(implicit_last + 1):
                implicit_last += 1
                yield _Placed(item, section, group, f"{own}.{number}", intro)
                continue
            group = None
        following = nxt.get(id(item))
        if following is not None and _is_group(item, following):
            group = item
            first_child = following.number.strip(".")
            implicit_last = None if "." in first_child else int(first_child) - 1
            yield _Placed(item, section, None, number, intro, is_group=True)
            continue
        yield _Placed(item, section, None, number, intro)


def _section_chain(section: _Item | None, sections: dict[str, _Item]) -> list[_Item]:
    """The section and its ancestors (by number prefix), innermost first."""
    if section is None:
        return []
    chain = [section]
    num = section.sec_num
    while num and "." in num:
        num = num.rsplit(".", 1)[0]
        if num in sections:
            chain.append(sections[num])
    return chain


def _section_label(section: _Item | None) -> str:
    """`I.5 Phát triển dữ liệu số` (number + title, count removed)."""
    if section is None:
        return ""
    return " ".join(p for p in (section.sec_num or "", section.title) if p)


def _source_label(item: _Item) -> str:
    """Where an inherited value came from, for `deadline_source`."""
    if item.kind == "section":
        return f"{_section_label(item)} (dòng {item.line_start})"
    if item.kind == "row":
        return f"dòng nhóm {item.number.strip('.')} (dòng {item.line_start})"
    return f"dòng tiêu đề nhóm (dòng {item.line_start})"


def _inherit(role: str, placed: _Placed, chain: list[_Item]) -> tuple[str, _Item | None]:
    """A row's own value for a role, else the nearest group row / section / intro that has one."""
    own = placed.item.value(role)
    if own:
        return own, None
    sources = ([placed.group] if placed.group else []) + chain
    if placed.intro is not None:
        sources.append(placed.intro)
    for source in sources:
        value = source.value(role)
        if value:
            return value, source
    return "", None


@dataclass
class _TaskContext:
    """What building task records needs besides the rows themselves."""

    doc: Document
    appendix: str
    first_part: str | None
    sections: dict[str, _Item]


def _task_record(placed: _Placed, ctx: _TaskContext, stt: str | None) -> Record:
    """One task Record from a placed row, with inherited leader/deadline/agencies."""
    item = placed.item
    chain = _section_chain(placed.section, ctx.sections)
    sec = placed.section.sec_num if placed.section else None
    part = sec.split(".")[0] if sec else None
    local = f"{sec} {placed.detail}" if sec else placed.detail
    # Row ids (eval contract): first part `I.3 11`; later parts `132 (II.1.2.1 11)` by global STT.
    row = local if (part == ctx.first_part or not stt) else f"{stt} ({local})"
    leader, leader_from = _inherit("leader", placed, chain)
    deadline, deadline_from = _inherit("deadline", placed, chain)
    lead, coordinating = item.value("lead"), item.value("coordinating")
    if not lead and not coordinating and placed.group is not None:
        lead, coordinating = placed.group.value("lead"), placed.group.value("coordinating")
    content = item.value("content")
    return Record(
        id=f"{ctx.doc.id}:{row}",
        document=ctx.doc.id,
        kind="task",
        row=row,
        appendix=ctx.appendix,
        section=_section_label(placed.section),
        content=content,
        leader=leader or None,
        leader_inherited=bool(leader) and leader_from is not None,
        lead_raw=lead,
        coordinating_raw=coordinating,
        lead=_split_agencies(lead),
        coordinating=_split_agencies(coordinating),
        deadline=deadline or None,
        deadline_inherited=deadline_from is not None,
        deadline_source=_source_label(deadline_from) if deadline_from else None,
        product=item.value("product") or None,
        note=item.value("note") or None,
        stt=stt,
        detail=placed.detail,
        line_start=item.line_start,
        line_end=item.line_end,
        quote=content,
        duplicate_lines=list(item.duplicate_lines),
    )


def _derive_stt(placed: list[_Placed], file: str) -> tuple[dict[int, str], list[ParseIssue]]:
    """Global STT for every leaf row: printed, or counted from the nearest printed neighbour."""
    leaves = [p for p in placed if not p.is_group]
    printed = [(i, int(p.item.stt)) for i, p in enumerate(leaves) if p.item.stt.isdigit()]
    issues: list[ParseIssue] = []
    for (i, a), (j, b) in zip(printed, printed[1:], strict=False):
        if b - a != j - i:
            line = leaves[j].item.line_start
            issues.append(
                ParseIssue(file, line, f"STT {b} không khớp: sau STT {a} có {j - i} dòng nhiệm vụ")
            )
    result: dict[int, str] = {}
    for i, p in enumerate(leaves):
        if p.item.stt:
            result[id(p.item)] = p.item.stt
            continue
        after = next(((j, s) for j, s in printed if j > i), None)
        before = next(((j, s) for j, s in reversed(printed) if j < i), None)
        if after is not None:
            result[id(p.item)] = str(after[1] - (after[0] - i))
        elif before is not None:
            result[id(p.item)] = str(before[1] + (i - before[0]))
    return result, issues


def _count_issues(
    appendix: str,
    unit: str,
    declared: dict[str, int],
    counted: dict[str, int],
    file: str,
    lines: dict[str, int],
) -> list[ParseIssue]:
    """Compare every count the document prints with the rows actually printed."""
    issues = []
    for key, n in declared.items():
        have = counted.get(key, 0)
        if have != n:
            where = appendix if key == appendix else f"{appendix}, mục {key.split('/', 1)[1]}"
            issues.append(
                ParseIssue(
                    file,
                    lines.get(key, 0),
                    f"{where}: tài liệu ghi {n} {unit} nhưng in {have} dòng",
                )
            )
    return issues


def _declare(
    item: _Item, appendix: str, declared: dict[str, int], lines: dict[str, int], file: str
) -> list[ParseIssue]:
    """Record one printed count under `Phụ lục x[/section]`; report contradictory repeats."""
    if item.count is None:
        return []
    key = appendix if item.kind == "total" else f"{appendix}/{item.sec_num or item.title}"
    if key in declared and declared[key] != item.count:
        return [ParseIssue(file, item.line_start, f"{key}: số lượng in lại khác ({item.count})")]
    declared.setdefault(key, item.count)
    lines.setdefault(key, item.line_start)
    return []


def _task_records(table: _Table, doc: Document) -> TableParse:
    """Records for a task table (Phụ lục 2 style)."""
    out = TableParse()
    items, issues = _items(table, doc.file)
    out.issues.extend(issues)
    out.issues.extend(_dedupe(items, doc.file))
    sections: dict[str, _Item] = {}
    decl_lines: dict[str, int] = {}
    first_part: str | None = None
    for item in items:
        if item.kind in {"section", "total"} and not item.is_duplicate:
            out.issues.extend(
                _declare(item, table.appendix, out.declared_counts, decl_lines, doc.file)
            )
        if item.kind == "section" and item.sec_num:
            sections.setdefault(item.sec_num, item)
            first_part = first_part or item.sec_num.split(".")[0]
    placed = list(_place(items))
    stts, stt_issues = _derive_stt(placed, doc.file)
    out.issues.extend(stt_issues)
    out.issues.extend(_section_gaps(sections, table.appendix, doc.file))
    ctx = _TaskContext(doc, table.appendix, first_part, sections)
    seen_ids: set[str] = set()
    # Group rows (a numbered row whose children carry the STT) are not tasks of their own:
    # the document's counts and global STT skip them; their values pass to the children.
    # Their text stays searchable as an appendix clause.
    out.clauses.extend(_group_clauses(placed, doc, table.appendix))
    for p in (p for p in placed if not p.is_group):
        sec = p.section.sec_num if p.section else None
        stt = p.item.stt or None
        if not stt and sec and sec.split(".")[0] != first_part:
            stt = stts.get(id(p.item))
            if stt:
                message = f"STT không in; suy ra {stt} theo thứ tự"
                out.issues.append(ParseIssue(doc.file, p.item.line_start, message))
        record = _task_record(p, ctx, stt)
        if not record.content:
            message = "Dòng nhiệm vụ không có nội dung"
            out.issues.append(ParseIssue(doc.file, p.item.line_start, message, "error"))
            continue
        if record.id in seen_ids:
            message = f"Trùng mã dòng {record.row}"
            out.issues.append(ParseIssue(doc.file, p.item.line_start, message, "error"))
            continue
        seen_ids.add(record.id)
        out.records.append(record)
    counted = _count_by_section(out.records, table.appendix)
    out.issues.extend(
        _count_issues(
            table.appendix, "nhiệm vụ", out.declared_counts, counted, doc.file, decl_lines
        )
    )
    return out


def _group_clauses(placed: list[_Placed], doc: Document, appendix: str) -> list[Clause]:
    """Group rows as clauses: the text children inherit from, cited like any clause."""
    clauses: list[Clause] = []
    for p in placed:
        content = p.item.value("content") if p.is_group else ""
        if not content:
            continue
        path = [appendix]
        if p.section is not None and p.section.sec_num:
            path.append(f"{p.section.sec_num} {p.section.title}".strip())
        clauses.append(
            Clause(
                id=f"{doc.id}:c{p.item.line_start}",
                document=doc.id,
                number=p.item.number,
                heading_path=path,
                text=content,
                line_start=p.item.line_start,
                line_end=p.item.line_end,
                level=len(path),
                appendix=appendix,
            )
        )
    return clauses


def _count_by_section(records: list[Record], appendix: str) -> dict[str, int]:
    """Rows per appendix and per section number (a row counts for every enclosing section)."""
    counted: dict[str, int] = {appendix: len(records)}
    for record in records:
        num = record.section.split(" ", 1)[0] if record.section else ""
        while num:
            key = f"{appendix}/{num}"
            counted[key] = counted.get(key, 0) + 1
            num = num.rsplit(".", 1)[0] if "." in num else ""
    return counted


def _section_gaps(sections: dict[str, _Item], appendix: str, file: str) -> list[ParseIssue]:
    """Report section numbers that skip a value (II.1.2.3 then II.1.2.5)."""
    children: dict[str, list[tuple[int, _Item]]] = {}
    for num, item in sections.items():
        parent, _, last = num.rpartition(".")
        if parent and last.isdigit():  # "A.I" (roman under a letter) has no numeric gap
            children.setdefault(parent, []).append((int(last), item))
    issues = []
    for parent, kids in children.items():
        kids.sort(key=lambda k: k[0])
        for (a, _), (b, item) in zip(kids, kids[1:], strict=False):
            if b - a > 1:
                missing = ", ".join(f"{parent}.{n}" for n in range(a + 1, b))
                message = f"{appendix}: không có mục {missing} (sau {parent}.{a} là {parent}.{b})"
                issues.append(ParseIssue(file, item.line_start, message))
    return issues


def _with_unit(target: str, unit: str) -> str:
    """A target with the unit its own column prints ("80" and "%" → "80 %")."""
    if not target or not unit or unit.casefold() in target.casefold():
        return target
    return f"{target} {unit}"


def _indicator_records(table: _Table, doc: Document) -> TableParse:
    """Records for an indicator table (Phụ lục I style): `PLI {STT}`."""
    out = TableParse()
    items, issues = _items(table, doc.file)
    out.issues.extend(issues)
    out.issues.extend(_dedupe(items, doc.file))
    prefix = "PL" + table.appendix.replace("Phụ lục", "").strip()
    decl_lines: dict[str, int] = {}
    counted: dict[str, int] = {}
    section: _Item | None = None
    for item in items:
        if item.is_duplicate:
            continue
        if item.kind in {"section", "total"}:
            out.issues.extend(
                _declare(item, table.appendix, out.declared_counts, decl_lines, doc.file)
            )
            if item.kind == "section":
                section = item
            continue
        if item.kind != "row":
            continue
        stt = item.stt or item.number.strip(".")
        content = item.value("content")
        if not content:
            out.issues.append(
                ParseIssue(doc.file, item.line_start, "Chỉ tiêu không có nội dung", "error")
            )
            continue
        lead, coordinating = item.value("lead"), item.value("coordinating")
        out.records.append(
            Record(
                id=f"{doc.id}:{prefix} {stt}",
                document=doc.id,
                kind="indicator",
                row=f"{prefix} {stt}",
                appendix=table.appendix,
                section=_section_label(section),
                content=content,
                leader=item.value("leader") or None,
                lead_raw=lead,
                coordinating_raw=coordinating,
                lead=_split_agencies(lead),
                coordinating=_split_agencies(coordinating),
                note=item.value("note") or None,
                target=_with_unit(item.value("target"), item.value("unit")) or None,
                stt=item.stt or None,
                detail=item.number.strip(".") if item.stt else None,
                line_start=item.line_start,
                line_end=item.line_end,
                quote=content,
                duplicate_lines=list(item.duplicate_lines),
            )
        )
        counted[table.appendix] = counted.get(table.appendix, 0) + 1
        if section is not None:
            key = f"{table.appendix}/{section.sec_num or section.title}"
            counted[key] = counted.get(key, 0) + 1
    out.issues.extend(
        _count_issues(
            table.appendix, "chỉ tiêu", out.declared_counts, counted, doc.file, decl_lines
        )
    )
    return out


def _keep_ids_unique(records: list[Record], appendix: str, taken: set[str]) -> None:
    """Prefix a table's row ids with its appendix (`PLIII 1`) when they clash with earlier tables."""
    if any(r.id in taken for r in records):
        prefix = "PL" + appendix.replace("Phụ lục", "").strip()
        for r in records:
            r.row = f"{prefix} {r.row}"
            r.id = f"{r.document}:{r.row}"
    taken.update(r.id for r in records)


def parse_plan_tables(doc: Document, lines: list[str]) -> TableParse:
    """Parse every 402-style indicator/task table in a document's lines; never raises on bad input."""
    result = TableParse()
    try:
        tables, issues = _find_tables(lines, doc.file)
        result.issues.extend(issues)
        taken: set[str] = set()
        for table in tables:
            build = _indicator_records if table.kind == "indicator" else _task_records
            part = build(table, doc)
            if not part.records:
                noun = "chỉ tiêu" if table.kind == "indicator" else "nhiệm vụ"
                message = (
                    f"{table.appendix}: bảng có tiêu đề cột {noun} nhưng không đọc được dòng nào"
                )
                result.issues.append(ParseIssue(doc.file, table.header_line, message, "error"))
            _keep_ids_unique(part.records, table.appendix, taken)
            result.records.extend(part.records)
            result.clauses.extend(part.clauses)
            result.issues.extend(part.issues)
            for key, value in part.declared_counts.items():
                result.declared_counts.setdefault(key, value)
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, never raised
        result.issues.append(ParseIssue(doc.file, 0, f"Lỗi khi đọc bảng phụ lục: {exc!r}", "error"))
    return result
