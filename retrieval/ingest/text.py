"""Text plans: decode line by line (bad bytes reported), pipe/Markdown tables turned into tab rows."""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.ingest.blocks import SourceLines
from retrieval.models import ParseIssue

_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_lines(data: bytes, name: str) -> SourceLines:
    """Split bytes into lines; NULs and invalid UTF-8 become error issues with line and byte."""
    out = SourceLines()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.removesuffix(b"\r")
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if b"\x00" in raw:
            col = raw.index(b"\x00") + 1
            out.issues.append(ParseIssue(name, number, f"Ký tự NUL ở byte {col}", "error"))
            raw = raw.replace(b"\x00", b"")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"Byte không hợp lệ UTF-8 ở byte {exc.start + 1} ({raw[exc.start : exc.start + 1]!r})"
            out.issues.append(ParseIssue(name, number, msg, "error"))
            text = raw.decode("utf-8", errors="replace")
        out.lines.append(text)
    return out


def is_pipe_row(line: str) -> bool:
    """A Markdown/pipe table row: starts and ends with `|` and has at least two cells."""
    s = line.strip()
    return len(s) > 2 and s.startswith("|") and s.endswith("|") and s.count("|") >= 3


def pipe_to_tabs(lines: list[str]) -> list[str]:
    """Pipe table rows → tab-separated rows (same line numbers); `|---|` rules → blank lines."""
    out: list[str] = []
    for line in lines:
        if is_pipe_row(line) and _PIPE_RULE.match(line):
            out.append("")
        elif is_pipe_row(line):
            cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            out.append("\t".join(cells))
        else:
            out.append(line)
    return out


def read_text(path: Path, name: str) -> SourceLines:
    """Read a text plan; a missing or unreadable file is an error issue, not a raise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return SourceLines(issues=[ParseIssue(name, 0, "Không tìm thấy tệp", "error")])
    except OSError as exc:
        return SourceLines(issues=[ParseIssue(name, 0, f"Không đọc được tệp: {exc}", "error")])
    out = decode_lines(data, name)
    out.lines = pipe_to_tabs(out.lines)
    return out
