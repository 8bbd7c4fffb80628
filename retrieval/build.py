"""Build the knowledge base: manifest → parse → enrich → store (atomic) → dense vector index.

A document that cannot be read or parsed (an exception, or any error-severity issue such as a
bad UTF-8 byte) is reported with file and line; the other documents
still build. Its rows from the previous knowledge base are kept when there is one, otherwise it
is left out. Either way the report is not `ok`, so `planbot index` exits non-zero.
A bad manifest stops the build before anything is written: the previous KB keeps serving.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.agencies import AgencyDirectory
from retrieval.enrich import enrich
from retrieval.ingest.parser import parse_document
from retrieval.kb import KnowledgeBase, RecordFilter
from retrieval.manifest import MANIFEST_NAME, ManifestError, load_manifest
from retrieval.models import Document, ParsedDocument, ParseIssue
from retrieval.passages import Passage, build_passages
from retrieval.store import KB_FILE, StoreStats, write_store

VECTORS_LABEL = "vectors.faiss"
_LINE_IN_MESSAGE = re.compile(r"dòng (\d+)")


@dataclass(frozen=True)
class BuildEvent:
    """Progress of a build, one event per step (for a progress bar or log line)."""

    stage: str  # manifest | parse | kept | skipped | embed | vectors | store | done
    message: str
    document: str | None = None  # corpus file name
    index: int = 0  # 1-based position of the document
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DocumentReport:
    """How one document fared: built, kept from the previous KB, or skipped."""

    id: str
    file: str
    status: str  # built | kept | skipped
    clauses: int = 0
    tasks: int = 0
    models: int = 0
    indicators: int = 0
    issues: list[ParseIssue] = field(default_factory=list)


@dataclass
class BuildReport:
    """Outcome of `build_index`: documents, store counts, issues and where the KB is."""

    kb_path: Path
    ok: bool = True
    written: bool = False
    corpus_hash: str = ""
    documents: list[DocumentReport] = field(default_factory=list)
    stats: StoreStats | None = None
    issues: list[ParseIssue] = field(default_factory=list)  # every issue, errors first
    vectors: str | None = None  # what the dense step did, or None when skipped
    seconds: float = 0.0

    @property
    def errors(self) -> list[ParseIssue]:
        return [i for i in self.issues if i.severity == "error"]


Progress = Callable[[BuildEvent], None]
EmbedProgress = Callable[[int, int], None]
# The dense-index hook: (finished KB file, index_dir, embedder, snapshot id, progress) -> what it
# built. It runs on the new KB before that KB is swapped in and stages its vectors beside it.
DenseIndexStep = Callable[[Path, Path, Any, str, EmbedProgress | None], str]
DROP_LIMIT = 0.2  # a document losing more than this share of its tasks fails the build


def corpus_hash(corpus_dir: Path, documents: Sequence[Document]) -> str:
    """SHA-256 over the manifest and every listed file (name + bytes), in id order."""
    digest = hashlib.sha256()
    manifest = Path(corpus_dir) / MANIFEST_NAME
    digest.update(manifest.read_bytes() if manifest.is_file() else b"")
    for doc in sorted(documents, key=lambda d: d.id):
        path = Path(corpus_dir) / doc.file
        digest.update(doc.file.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def parse_one(doc: Document, corpus_dir: Path) -> tuple[ParsedDocument | None, list[ParseIssue]]:
    """Parse one document; (None, errors) when it is unreadable, crashes, or reports errors."""
    try:
        parsed = parse_document(doc, Path(corpus_dir))
    except Exception as exc:  # noqa: BLE001 — one broken file must not stop the build
        line = int(getattr(exc, "line", 0) or getattr(exc, "lineno", 0) or 0)
        return None, [ParseIssue(doc.file, line, f"Lỗi phân tích: {exc}", "error")]
    errors = [i for i in parsed.issues if i.severity == "error"]
    return (None, list(parsed.issues)) if errors else (parsed, [])


def previous_rows(kb: KnowledgeBase | None, doc: Document) -> ParsedDocument | None:
    """The document's clauses and records from the previous KB, if it had them."""
    if kb is None or all(d.id != doc.id for d in kb.documents()):
        return None
    records = [v.record for v in kb.records(RecordFilter(document=doc.id))]
    return ParsedDocument(document=doc, clauses=kb.clauses(doc.id), records=records)


def open_previous(kb_path: Path) -> KnowledgeBase | None:
    """The KB currently serving at `kb_path`, or None when there is none (or it is unusable)."""
    try:
        return KnowledgeBase(kb_path, directory=None)
    except Exception:  # noqa: BLE001 — a missing or corrupt old KB just means no fallback
        return None


def kb_passages(kb_path: Path) -> list[Passage]:
    """The shared `retrieval.passages` of every record and clause in the KB at `kb_path`."""
    kb = KnowledgeBase(kb_path)
    try:
        return build_passages([view.record for view in kb.iter_records()], kb.clauses())
    finally:
        kb.close()


def build_dense_index(
    kb_path: Path,
    index_dir: Path,
    embedder: Any,
    snapshot: str = "",
    progress: EmbedProgress | None = None,
) -> str:
    """The dense-index hook: embed the new KB's passages (cached) into the staging folder."""
    from retrieval.search_index import stage_search_index

    passages = kb_passages(kb_path)
    stats = stage_search_index(passages, index_dir, embedder, snapshot, progress)
    return (
        f"Chỉ mục vectơ: {stats.passages} đoạn, {stats.embedded} đoạn mới nhúng "
        f"({stats.kind}, {stats.model})"
    )


def task_drop(doc: Document, new: ParsedDocument, old: ParsedDocument | None) -> ParseIssue | None:
    """An error when the document's tasks (task + model rows) fell by more than DROP_LIMIT."""
    if old is None:
        return None
    before = sum(1 for r in old.records if r.kind in ("task", "model"))
    after = sum(1 for r in new.records if r.kind in ("task", "model"))
    if before == 0 or after >= before * (1 - DROP_LIMIT):
        return None
    message = (
        f"Số nhiệm vụ giảm từ {before} (lần lập trước) xuống {after}: quá 1/5, "
        "có thể bảng bị cắt hoặc đọc sai; giữ dữ liệu cũ"
    )
    return ParseIssue(doc.file, 0, message, "error")


def _doc_counts(parsed: ParsedDocument) -> dict[str, int]:
    counts = {"clauses": len(parsed.clauses), "task": 0, "model": 0, "indicator": 0}
    for record in parsed.records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    return counts


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    progress: Progress | None = None,
    embedder: Any = None,
    directory: AgencyDirectory | None = None,
    dense_step: DenseIndexStep | None = None,
) -> BuildReport:
    """Build `index_dir/kb.sqlite` from `corpus_dir`; then the dense index when an embedder is given."""
    started = time.monotonic()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    report = BuildReport(kb_path=index_dir / KB_FILE)
    emit = progress or (lambda event: None)

    try:
        docs = load_manifest(corpus_dir)
    except ManifestError as exc:
        found = _LINE_IN_MESSAGE.search(str(exc))
        report.issues.append(
            ParseIssue(MANIFEST_NAME, int(found.group(1)) if found else 0, str(exc), "error")
        )
        report.ok = False
        emit(BuildEvent("manifest", f"Lỗi manifest: {exc}"))
        report.seconds = time.monotonic() - started
        return report
    report.corpus_hash = corpus_hash(corpus_dir, docs)
    emit(BuildEvent("manifest", f"{len(docs)} tài liệu trong manifest", total=len(docs)))

    directory = directory or AgencyDirectory.load()
    previous = open_previous(report.kb_path)
    built: list[ParsedDocument] = []
    for n, doc in enumerate(docs, start=1):
        parsed, failure = parse_one(doc, corpus_dir)
        if parsed is not None:
            dropped = task_drop(doc, parsed, previous_rows(previous, doc))
            if dropped is not None:
                parsed, failure = None, [dropped, *parsed.issues]
        if parsed is None:
            report.issues.extend(failure)
            kept = previous_rows(previous, doc)
            status = "kept" if kept is not None else "skipped"
            doc_report = DocumentReport(doc.id, doc.file, status, issues=failure)
            if kept is not None:
                built.append(kept)
                counts = _doc_counts(kept)
                message = "lỗi — giữ dữ liệu của lần lập chỉ mục trước"
            else:
                counts = {}
                message = "lỗi — bỏ qua tài liệu này"
            _fill_counts(doc_report, counts)
            report.documents.append(doc_report)
            counts = {**counts, "errors": sum(1 for i in failure if i.severity == "error")}
            emit(BuildEvent(status, message, doc.file, n, len(docs), counts))
            continue
        enriched = enrich(parsed, directory)
        built.append(enriched)
        counts = _doc_counts(enriched)
        doc_report = DocumentReport(doc.id, doc.file, "built", issues=list(enriched.issues))
        _fill_counts(doc_report, counts)
        report.documents.append(doc_report)
        report.issues.extend(enriched.issues)
        counts = {**counts, "warnings": len(enriched.issues)}
        emit(BuildEvent("parse", "đã phân tích", doc.file, n, len(docs), counts))
    if previous is not None:
        previous.close()

    report.ok = not any(d.status != "built" for d in report.documents) and not report.errors
    snapshot = f"{report.corpus_hash[:12]}-{time.strftime('%Y%m%dT%H%M%S')}"
    info = {
        "corpus_hash": report.corpus_hash,
        "snapshot": snapshot,
        "documents": {d.id: d.status for d in report.documents},
        "build_errors": [
            {"file": i.file, "line": i.line, "message": i.message}
            for i in report.issues
            if i.severity == "error"
        ],
    }
    staged = False

    def embed_before_swap(tmp_kb: Path) -> None:
        """Vectors of the new KB are staged before it is swapped in: one snapshot, two files."""
        nonlocal staged
        if embedder is None:
            return
        from retrieval.search_index import STAGING_DIR

        step = dense_step or build_dense_index
        shutil.rmtree(index_dir / STAGING_DIR, ignore_errors=True)  # left by a killed build

        def embed_progress(done: int, total: int) -> None:
            emit(BuildEvent("embed", f"nhúng {done}/{total} đoạn", counts={"done": done}))

        try:
            report.vectors = step(tmp_kb, index_dir, embedder, snapshot, embed_progress)
            staged = (index_dir / STAGING_DIR).is_dir()
            emit(BuildEvent("vectors", report.vectors))
        except Exception as exc:  # noqa: BLE001 — the new KB serves; search falls back to lexical
            message = f"Không lập được chỉ mục vectơ: {type(exc).__name__}: {exc}"
            report.issues.append(ParseIssue(VECTORS_LABEL, 0, message, "error"))
            report.ok = False
            emit(BuildEvent("vectors", message))

    report.stats = write_store(
        built, directory, report.kb_path, build_info=info, before_swap=embed_before_swap
    )
    report.written = True
    if staged:
        from retrieval.search_index import publish_search_index

        publish_search_index(index_dir)
    emit(BuildEvent("store", f"đã ghi {report.kb_path}", counts=report.stats.table_counts()))

    report.issues.sort(key=lambda i: (i.severity != "error", i.file, i.line))
    report.seconds = time.monotonic() - started
    emit(BuildEvent("done", "xong" if report.ok else "xong, có lỗi"))
    return report


def _fill_counts(doc_report: DocumentReport, counts: dict[str, int]) -> None:
    doc_report.clauses = counts.get("clauses", 0)
    doc_report.tasks = counts.get("task", 0)
    doc_report.models = counts.get("model", 0)
    doc_report.indicators = counts.get("indicator", 0)
