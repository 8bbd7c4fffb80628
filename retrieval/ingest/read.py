"""Pick the reader for a plan file by its extension: .docx, .pdf, anything else as text."""

from __future__ import annotations

import zipfile
from pathlib import Path

from retrieval.ingest.blocks import SourceLines, to_lines
from retrieval.ingest.text import read_text
from retrieval.models import ParseIssue

SUPPORTED = (".txt", ".md", ".docx", ".pdf")


def read_source(path: Path, name: str) -> SourceLines:
    """Read any supported plan into numbered lines; unreadable files become error issues."""
    suffix = path.suffix.casefold()
    if suffix not in (".docx", ".pdf"):
        return read_text(path, name)
    if not path.is_file():
        return SourceLines(issues=[ParseIssue(name, 0, "Không tìm thấy tệp", "error")])
    try:
        if suffix == ".docx":
            from retrieval.ingest.docx import read_docx

            return to_lines(read_docx(path, name))
        from retrieval.ingest.pdf import read_pdf

        return to_lines(read_pdf(path, name))
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, never raised
        kind = "DOCX" if suffix == ".docx" else "PDF"
        message = f"Không đọc được tệp {kind}: {type(exc).__name__}: {exc}"
        if suffix == ".docx" and not zipfile.is_zipfile(path):
            # python-docx says "Package not found" for a file that exists but is not a whole ZIP.
            message = (
                "Không đọc được tệp DOCX: tệp bị hỏng hoặc không phải DOCX (không mở được như "
                "một tệp nén ZIP; có thể tệp bị cắt khi sao chép/tải về)"
            )
        return SourceLines(issues=[ParseIssue(name, 0, message, "error")])
