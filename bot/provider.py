"""Hold the current Assistant; pick up a rebuilt index without a restart or failed requests."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.answer.assistant import Assistant

log = logging.getLogger("planbot.provider")

KB_FILE = "kb.sqlite"
# Files `planbot index` replaces (kb.sqlite first, vectors after embedding); any change reloads.
WATCHED_FILES = (KB_FILE, "vectors.faiss", "vectors.json")
Signature = tuple[tuple[str, int, int, int], ...]  # (name, st_ino, st_mtime_ns, st_size)


@dataclass(frozen=True)
class Loaded:
    """One loaded Assistant and the index file version it was built from."""

    assistant: Any  # bot.answer.assistant.Assistant (Any keeps test doubles simple)
    signature: Signature
    build_id: str
    loaded_at: float


def index_signature(index_dir: Path) -> Signature | None:
    """Cheap change detector over the index files (rebuilds use os.replace → new inode/mtime);
    None while kb.sqlite is missing."""
    parts = []
    for name in WATCHED_FILES:
        try:
            st = (index_dir / name).stat()
        except OSError:
            if name == KB_FILE:
                return None
            continue
        parts.append((name, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(parts)


def read_build_id(kb_file: Path) -> str:
    """`<corpus_hash[:12]>@<built_at>` from the KB's `build_info` table; '' when unreadable."""
    try:
        conn = sqlite3.connect(f"file:{kb_file}?mode=ro", uri=True, timeout=2)
        try:
            rows = dict(conn.execute("SELECT key, value FROM build_info").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return ""
    info = {k: _json_or_raw(v) for k, v in rows.items()}
    corpus = str(info.get("corpus_hash") or "")[:12]
    built = str(info.get("built_at") or "")
    return f"{corpus}@{built}" if corpus or built else ""


def _json_or_raw(value: str) -> object:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def _load_assistant(index_dir: Path) -> Assistant:
    from bot.answer.assistant import Assistant

    return Assistant.from_index(index_dir)


class AssistantProvider:
    """`get()` returns the current Assistant; changed index files are loaded in a background
    thread and swapped in, while requests already holding the old instance finish on it."""

    def __init__(
        self,
        index_dir: Path | str,
        loader: Callable[[Path], Any] | None = None,
        check_interval: float = 1.0,
        settle_seconds: float = 0.2,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.kb_file = self.index_dir / KB_FILE
        self._loader = loader or _load_assistant
        self.check_interval = check_interval
        self.settle_seconds = settle_seconds
        self._current: Loaded | None = None
        self._lock = threading.Lock()
        self._reload_thread: threading.Thread | None = None
        self._next_check = 0.0
        self._failed_signature: Signature | None = None
        self.last_error: str | None = None
        self.reloads = 0

    # --- public API -------------------------------------------------------------------------
    def load(self) -> bool:
        """Load synchronously (startup); True when an Assistant is ready. Never raises."""
        self._reload(wait_settle=False)
        return self.ready

    def get(self) -> Any | None:
        """Current Assistant (None until an index has loaded); triggers a cheap change check."""
        loaded = self.get_loaded()
        return loaded.assistant if loaded else None

    def get_loaded(self) -> Loaded | None:
        """Current Assistant with the index version it serves (one consistent snapshot)."""
        self._maybe_check()
        return self._current

    @property
    def ready(self) -> bool:
        """True once an index is loaded."""
        return self._current is not None

    @property
    def current(self) -> Loaded | None:
        """The loaded snapshot, without a change check."""
        return self._current

    @property
    def build_id(self) -> str | None:
        """Build id of the index being served."""
        return self._current.build_id if self._current else None

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait for a background reload to finish (tests, benchmarks); True when idle."""
        thread = self._reload_thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def check_now(self) -> None:
        """Force a change check on the next `get()`."""
        self._next_check = 0.0

    # --- internals --------------------------------------------------------------------------
    def _maybe_check(self) -> None:
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + self.check_interval
        signature = index_signature(self.index_dir)
        if signature is None:
            return
        current = self._current
        if current is not None and current.signature == signature:
            return
        if signature == self._failed_signature:
            return
        with self._lock:
            if self._reload_thread is not None and self._reload_thread.is_alive():
                return
            self._reload_thread = threading.Thread(
                target=self._reload, name="planbot-index-reload", daemon=True
            )
            self._reload_thread.start()

    def _settled_signature(self, wait_settle: bool) -> Signature | None:
        """Signature once kb.sqlite stops changing (guards against a non-atomic copy)."""
        signature = index_signature(self.index_dir)
        while wait_settle and signature is not None:
            time.sleep(self.settle_seconds)
            again = index_signature(self.index_dir)
            if again == signature:
                break
            signature = again
        return signature

    def _reload(self, wait_settle: bool = True) -> None:
        signature = self._settled_signature(wait_settle)
        if signature is None:
            self.last_error = f"không có chỉ mục: {self.kb_file} (chạy `planbot index`)"
            return
        if self._current is not None and self._current.signature == signature:
            return
        started = time.monotonic()
        try:
            assistant = self._loader(self.index_dir)
        except Exception as exc:  # a broken index must not take the running one down
            self._failed_signature = signature
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.error("index load failed (%s); keeping the previous one", self.last_error)
            return
        build_id = read_build_id(self.kb_file) or str(signature[0][2])
        previous = self._current
        self._current = Loaded(assistant, signature, build_id, time.time())
        self._failed_signature = None
        self.last_error = None
        if previous is not None:
            self.reloads += 1
        log.info(
            "index loaded build_id=%s in %.0f ms (reload=%s)",
            build_id,
            (time.monotonic() - started) * 1000,
            previous is not None,
        )
