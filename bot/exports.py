"""Task lists as files officials open in Excel: XLSX (openpyxl) and CSV (UTF-8 with BOM), with
Vietnamese headers. The one export used by the CLI, the API, the web page and the chat."""

from __future__ import annotations

import csv
import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from bot.filters import KnowledgeBaseLike, TaskQuery, select
from retrieval.kb import record_json

ExportFormat = Literal["xlsx", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("xlsx", "csv")
MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# (header, column width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Kế hoạch", 22),
    ("Dòng", 24),
    ("Nhiệm vụ", 60),
    ("Chủ trì", 32),
    ("Phối hợp", 36),
    ("Lãnh đạo chỉ đạo", 22),
    ("Thời hạn", 18),
    ("Sản phẩm", 30),
    ("Ghi chú", 24),
    ("Chỉ tiêu", 20),
    ("Mã", 18),
)
HEADERS = tuple(h for h, _ in COLUMNS)
SEPARATOR = "; "
INHERITED_NOTE = "giao cho cơ quan tiền nhiệm, nay do cơ quan được hỏi đảm nhận"
SHEET_TITLE = "Nhiệm vụ"
MAX_EXPORT_ROWS = 5000  # one file; a wider list is cut and the caller says so
# A 5,000-row XLSX costs ≈ 2–3 s of CPU (benchmarks/workspace_exports.py): build one at a time so
# exports (API, web, chat) cannot take both cores from the officials who are asking questions.
_EXPORT_SLOT = threading.BoundedSemaphore(1)


@dataclass(frozen=True)
class ExportFile:
    """One file ready to save or send: its name, media type and bytes."""

    filename: str
    media_type: str
    data: bytes
    rows: int = 0
    truncated: bool = False  # more rows matched than the file holds (MAX_EXPORT_ROWS)


def agency_names(printed: Sequence[str], current: Sequence[str] | None) -> str:
    """'Sở TT&TT (nay là Sở Khoa học và Công nghệ); …' — the printed name, then today's name."""
    now = list(current or [])
    out = []
    for n, name in enumerate(printed):
        successor = now[n] if n < len(now) else None
        out.append(f"{name} (nay là {successor})" if successor and successor != name else name)
    return SEPARATOR.join(out)


def plan_label(item: dict[str, Any]) -> str:
    """The plan as officials name it (number or short title), never the corpus file name."""
    citation = item.get("citation") or {}
    return str(citation.get("title") or item.get("document_number") or item.get("document") or "")


def export_row(item: dict[str, Any]) -> list[str]:
    """One record JSON (`planbot tasks --json`) → the cells under `HEADERS`."""
    citation = item.get("citation") or {}
    deadline = item.get("deadline") or ""
    if deadline and item.get("deadline_inherited"):
        deadline += " (thời hạn chung của mục)"
    note = item.get("note") or ""
    if item.get("inherited"):
        note = f"{note} ({INHERITED_NOTE})".strip() if note else INHERITED_NOTE
    cells = [
        plan_label(item),
        str(citation.get("location") or item.get("row") or ""),
        str(item.get("content") or ""),
        agency_names(item.get("lead") or [], item.get("lead_current")),
        agency_names(item.get("coordinating") or [], item.get("coordinating_current")),
        str(item.get("leader") or ""),
        deadline,
        str(item.get("product") or ""),
        note,
        str(item.get("target") or ""),
        str(item.get("id") or ""),
    ]
    return [_printable(c) for c in cells]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(text: str) -> str:
    """Drop control characters XLSX cannot hold."""
    return _CONTROL.sub("", text)


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in CSV cells (a leading ' makes Excel show text)."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS and len(text) > 1 else text


def to_csv(items: Sequence[dict[str, Any]]) -> bytes:
    """CSV as UTF-8 with BOM (Excel on Windows then shows Vietnamese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([_csv_safe(c) for c in export_row(i)] for i in items)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(items: Sequence[dict[str, Any]], subtitle: str = "") -> bytes:
    """An XLSX workbook: bold frozen header, auto-filter, wrapped text, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS))
    for number, item in enumerate(items, 2):
        for column, value in enumerate(export_row(item), 1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            cell.data_type = "s"  # text, never a formula, whatever it starts with
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F3")
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, (_header, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    book.properties.title = f"{SHEET_TITLE} — {subtitle}" if subtitle else SHEET_TITLE
    book.properties.creator = "planbot"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: "Sở Nội vụ, quý IV" → "so-noi-vu-quy-iv"."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def file_name(description: str, fmt: ExportFormat, on: date | None = None) -> str:
    """Vietnamese file name, e.g. "nhiệm-vụ Sở Nội vụ 2026-11-26.xlsx" (safe characters only)."""
    stamp = (on or date.today()).isoformat()
    clean = re.sub(r"(\d)/(?=\d)", r"\1-", description)  # dates: 25/11/2026 → 25-11-2026
    clean = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", clean)
    clean = " ".join(clean.split())[:80].strip()
    base = f"Nhiệm vụ {clean}" if clean else "Nhiệm vụ"
    return f"{base} {stamp}.{fmt}"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987 filename*)."""
    stem, _, ext = filename.rpartition(".")
    fallback = f"{slug(stem) or 'export'}.{ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_items(
    items: Sequence[dict[str, Any]],
    fmt: ExportFormat,
    description: str = "",
    on: date | None = None,
) -> ExportFile:
    """Records → one export file in the wanted format."""
    data = to_xlsx(items, description) if fmt == "xlsx" else to_csv(items)
    return ExportFile(file_name(description, fmt, on), MEDIA_TYPES[fmt], data, len(items))


def export_query(
    kb: KnowledgeBaseLike,
    query: TaskQuery,
    fmt: ExportFormat,
    limit: int | None = None,
    on: date | None = None,
) -> ExportFile:
    """The rows of a validated filter as one file: at most `limit` (MAX_EXPORT_ROWS) rows, built
    one export at a time; `truncated` tells the caller to say the list was cut."""
    limit = MAX_EXPORT_ROWS if limit is None else limit
    views = select(kb, query, limit=limit + 1)
    kept = [record_json(v) for v in views[:limit]]
    with _EXPORT_SLOT:
        exported = export_items(kept, fmt, query.describe(), on)
    return ExportFile(
        exported.filename, exported.media_type, exported.data, len(kept), len(views) > limit
    )
