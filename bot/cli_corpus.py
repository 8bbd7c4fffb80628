"""`planbot add FILE` (copy a plan into the corpus and write its manifest entry) and
`planbot inspect FILE` (dry run: tables, column roles, rows, sample records, warnings)."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import click

from bot.cli_common import corpus_option, fail
from retrieval.ingest.metadata import (
    LEVELS,
    PlanMetadata,
    issuer_place,
    read_metadata,
    readable_issuer,
)
from retrieval.ingest.parser import parse_lines
from retrieval.ingest.read import SUPPORTED, read_source
from retrieval.ingest.tables import find_header
from retrieval.manifest import ManifestError, append_entry, read_entries
from retrieval.models import Document, ParsedDocument

ROLE_LABELS = {
    "stt": "số thứ tự",
    "detail": "số chi tiết",
    "content": "nội dung/nhiệm vụ",
    "lead": "chủ trì",
    "coordinating": "phối hợp",
    "deadline": "thời hạn",
    "product": "sản phẩm/kết quả",
    "leader": "lãnh đạo chỉ đạo",
    "note": "ghi chú",
    "target": "chỉ tiêu/mục tiêu",
    "unit": "đơn vị tính",
}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_file(path: Path) -> None:
    if not path.is_file():
        fail(f"Không tìm thấy tệp {path}")
    if path.suffix.casefold() not in SUPPORTED:
        fail(
            f"{path.name}: định dạng {path.suffix or '(không đuôi)'} chưa hỗ trợ; dùng DOCX, PDF hoặc .txt/.md"
        )


def _parse(path: Path, doc_id: str = "new") -> tuple[ParsedDocument, list[str]]:
    """Parse a file where it lies (nothing copied) → parsed document and its lines."""
    source = read_source(path, path.name)
    doc = Document(doc_id, path.name, "", None, "", "", "city")
    return parse_lines(doc, source), source.lines


def _header_reports(lines: list[str]) -> list[tuple[int, list[str], list[str | None]]]:
    """(line, header cells, roles) of every table header found, one- or two-row."""
    found = []
    for i, line in enumerate(lines):
        if "\t" not in line:
            continue
        below = lines[i + 1] if i + 1 < len(lines) else ""
        header = find_header(line.split("\t"), below.split("\t") if "\t" in below else None)
        if header is not None:
            found.append((i + 1, header.cells, header.roles))
    return found


@click.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--samples", default=3, show_default=True, help="Số bản ghi mẫu mỗi phụ lục.")
def inspect_command(file: Path, samples: int) -> None:
    """Xem trước những gì sẽ đọc được từ một kế hoạch (không ghi gì)."""
    _check_file(file)
    parsed, lines = _parse(file)
    meta = read_metadata(lines)
    click.echo(f"Tệp: {file.name}")
    click.echo(
        f"Số: {meta.number or '?'} · ngày: {meta.date or '?'} · cơ quan: {meta.issuer or '?'} · "
        f"cấp: {meta.scope or '?'}"
    )
    click.echo(f"Tiêu đề: {meta.title or '?'}")
    headers = _header_reports(lines)
    seen: set[tuple[str, ...]] = set()
    click.echo(f"Bảng tìm thấy: {len(headers)} dòng tiêu đề")
    for line_no, cells, roles in headers:
        key = tuple(cells)
        if key in seen:
            continue  # the same header repeated on each page
        seen.add(key)
        cols = " | ".join(
            f"{c.strip() or '(trống)'} → {ROLE_LABELS.get(r, '—') if r else '—'}"
            for c, r in zip(cells, roles, strict=False)
        )
        click.echo(f"  dòng {line_no}: {cols}")
    by_appendix: dict[str, list] = {}
    for rec in parsed.records:
        by_appendix.setdefault(f"{rec.appendix} ({rec.kind})", []).append(rec)
    click.echo(f"Điều khoản: {len(parsed.clauses)} · bản ghi bảng: {len(parsed.records)}")
    for name, recs in by_appendix.items():
        click.echo(f"  {name}: {len(recs)} dòng")
        for rec in recs[:samples]:
            where = f" [{rec.source}]" if rec.source else f" [dòng {rec.line_start}]"
            value = (
                f"chỉ tiêu: {rec.target or '—'}"
                if rec.kind == "indicator"
                else f"hạn: {rec.deadline or '—'}"
            )
            click.echo(
                f"    {rec.row}: {rec.content[:70]} | chủ trì: {rec.lead_raw or '—'} | "
                f"{value}{where}"
            )
    for warning in meta.warnings:
        click.echo(f"cảnh báo: {warning}", err=True)
    for issue in parsed.issues:
        label = "LỖI" if issue.severity == "error" else "cảnh báo"
        click.echo(f"{file.name}:{issue.line}: {label}: {issue.message}", err=True)
    if any(i.severity == "error" for i in parsed.issues):
        fail("Tệp này sẽ làm lập chỉ mục thất bại (xem lỗi ở trên).")


def _next_id(entries: list[dict]) -> str:
    numbers = [int(e["id"]) for e in entries if re.fullmatch(r"\d+", str(e.get("id", "")))]
    return f"{(max(numbers) + 1) if numbers else 0:03d}"


def _short_name(meta: PlanMetadata, title: str, number: str, place: str) -> str:
    """ "Kế hoạch 86/KH-UBND (Lâm Hà)": kind and number, and the issuer's place when it has one."""
    kind = meta.doc_type or "Văn bản"
    name = f"{kind} {number}" if number and not number.startswith("/") else title[:80]
    return f"{name} ({place})" if place and place not in name else name


def _place_aliases(issuer: str) -> list[str]:
    """The issuer's place as a question names it: "Lâm Hà", "tỉnh Lâm Hà"."""
    level, place = issuer_place(issuer)
    return [place, f"{level} {place}"] if place else []


@click.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@corpus_option
@click.option("--id", "doc_id", help="Mã tài liệu (mặc định: số kế tiếp, ví dụ 005).")
@click.option("--number", help="Số hiệu, ví dụ 03/NQ-CP (mặc định: đọc từ dòng 'Số: …').")
@click.option("--date", "date_text", help="Ngày ban hành YYYY-MM-DD (mặc định: đọc từ văn bản).")
@click.option("--issuer", help="Cơ quan ban hành.")
@click.option("--title", help="Loại văn bản và tiêu đề.")
@click.option("--scope", type=click.Choice(LEVELS), help="Cấp: national … commune.")
@click.option("--short-name", help="Tên ngắn dùng khi trích dẫn.")
@click.option("--alias", "aliases", multiple=True, help="Tên gọi khác (lặp lại được).")
def add_command(
    file: Path,
    corpus_dir: Path,
    doc_id: str | None,
    number: str | None,
    date_text: str | None,
    issuer: str | None,
    title: str | None,
    scope: str | None,
    short_name: str | None,
    aliases: tuple[str, ...],
) -> None:
    """Thêm một kế hoạch (DOCX, PDF, văn bản) vào kho và ghi mục manifest."""
    _check_file(file)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    try:
        entries = read_entries(corpus_dir)
    except ManifestError as exc:
        fail(str(exc))
    digest = file_digest(file)
    for entry in entries:
        existing = corpus_dir / str(entry.get("file", ""))
        if existing.is_file() and file_digest(existing) == digest:
            fail(
                f"Tệp này đã có trong kho: {entry['file']} (mã {entry['id']}); không thêm lần nữa."
            )
    if date_text and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
        fail("--date phải có dạng YYYY-MM-DD")
    parsed, lines = _parse(file)
    errors = [i for i in parsed.issues if i.severity == "error"]
    if errors:
        for issue in errors:
            click.echo(f"{file.name}:{issue.line}: LỖI: {issue.message}", err=True)
        fail("Không thêm: tệp không đọc được (xem lỗi ở trên).")
    meta = read_metadata(lines)
    doc_id = doc_id or _next_id(entries)
    if any(e.get("id") == doc_id for e in entries):
        fail(f"Mã {doc_id} đã dùng cho tài liệu khác")
    number = number or meta.number
    title = title or meta.title or file.stem
    scope = scope or meta.scope
    if not scope:
        fail("Không xác định được cấp của văn bản; hãy chỉ rõ --scope (national … commune).")
    target = f"{doc_id}_{digest[:16]}{file.suffix.casefold()}"
    issuer = issuer or readable_issuer(meta.issuer)
    places = _place_aliases(issuer)
    entry = {
        "id": doc_id,
        "file": target,
        "number": number,
        "date": date_text or meta.date,
        "issuer": issuer,
        "title": title,
        "scope": scope,
        "supersedes": [],
        "short_name": short_name or _short_name(meta, title, number, places[0] if places else ""),
        "aliases": list(dict.fromkeys([*aliases, *places])),
    }
    shutil.copyfile(file, corpus_dir / target)
    try:
        append_entry(corpus_dir, entry)
    except Exception as exc:  # noqa: BLE001 - never leave a copied file without its entry
        (corpus_dir / target).unlink(missing_ok=True)
        fail(f"Không ghi được manifest: {exc}")
    tasks = sum(1 for r in parsed.records if r.kind in ("task", "model"))
    indicators = sum(1 for r in parsed.records if r.kind == "indicator")
    click.echo(
        f"Đã thêm {target} (mã {doc_id}, {number or 'không số'}, cấp {scope}): "
        f"{len(parsed.clauses)} điều khoản, {tasks} nhiệm vụ, {indicators} chỉ tiêu."
    )
    for warning in meta.warnings:
        click.echo(f"cảnh báo: {warning}", err=True)
    click.echo("Chạy `planbot index` để đưa vào cơ sở tri thức.")
