"""Load and validate `corpus/manifest.json` into `Document` objects, failing with a clear message."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from retrieval.models import Document

MANIFEST_NAME = "manifest.json"
_REQUIRED = ("id", "file", "number", "issuer", "title", "scope")
SCOPES = ("national", "ministry", "province", "city", "district", "commune")
_SCOPES = set(SCOPES)


class ManifestError(ValueError):
    """The manifest is unreadable, malformed, or lists a file that does not exist."""


def _entry_error(path: Path, index: int, entry: Any, message: str) -> ManifestError:
    label = entry.get("file") or entry.get("id") if isinstance(entry, dict) else None
    where = f"mục thứ {index + 1}" + (f" ({label})" if label else "")
    return ManifestError(f"{path}: {where}: {message}")


def _as_str_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _document(path: Path, index: int, entry: Any, corpus_dir: Path) -> Document:
    """Validate one manifest entry and turn it into a Document."""
    if not isinstance(entry, dict):
        raise _entry_error(path, index, entry, "phải là một đối tượng JSON")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise _entry_error(path, index, entry, f"thiếu trường {', '.join(missing)}")
    for key in _REQUIRED:
        if not isinstance(entry[key], str):
            raise _entry_error(path, index, entry, f"trường '{key}' phải là chuỗi")
    if not entry["id"].strip() or not entry["file"].strip():
        raise _entry_error(path, index, entry, "trường 'id'/'file' không được rỗng")
    if entry["scope"] not in _SCOPES:
        raise _entry_error(path, index, entry, f"scope '{entry['scope']}' không hợp lệ")
    date = entry.get("date")
    if date is not None and not isinstance(date, str):
        raise _entry_error(path, index, entry, "trường 'date' phải là chuỗi hoặc null")
    supersedes = _as_str_list(entry.get("supersedes"))
    aliases = _as_str_list(entry.get("aliases"))
    if supersedes is None or aliases is None:
        raise _entry_error(path, index, entry, "'supersedes'/'aliases' phải là danh sách chuỗi")
    if not (corpus_dir / entry["file"]).is_file():
        raise _entry_error(path, index, entry, f"không tìm thấy tệp {entry['file']}")
    return Document(
        id=entry["id"],
        file=entry["file"],
        number=entry["number"],
        date=date,
        issuer=entry["issuer"],
        title=entry["title"],
        scope=entry["scope"],
        supersedes=supersedes,
        short_name=str(entry.get("short_name") or ""),
        aliases=aliases,
    )


def load_manifest(corpus_dir: Path) -> list[Document]:
    """Read `corpus_dir/manifest.json`; raise ManifestError naming the manifest and bad entry."""
    path = Path(corpus_dir) / MANIFEST_NAME
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: không tìm thấy manifest") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: không đọc được manifest ({exc})") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{path}: dòng {exc.lineno}, cột {exc.colno}: JSON không hợp lệ ({exc.msg})"
        ) from exc
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: thiếu danh sách 'documents'")
    docs = [_document(path, i, e, Path(corpus_dir)) for i, e in enumerate(entries)]
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        if doc.id in seen:
            raise _entry_error(path, i, entries[i], f"id '{doc.id}' bị trùng")
        seen.add(doc.id)
    return docs


def read_entries(corpus_dir: Path) -> list[dict[str, Any]]:
    """The raw manifest entries ([] when there is no manifest yet)."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.is_file():
        return []
    load_manifest(corpus_dir)  # refuse to extend a manifest that is already broken
    return list(json.loads(path.read_text(encoding="utf-8"))["documents"])


def append_entry(corpus_dir: Path, entry: dict[str, Any]) -> None:
    """Add one entry and rewrite the manifest atomically (temp file, then rename)."""
    path = Path(corpus_dir) / MANIFEST_NAME
    entries = read_entries(corpus_dir) + [entry]
    text = json.dumps({"documents": entries}, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
