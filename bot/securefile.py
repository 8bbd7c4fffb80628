"""Files only the service user may read (0600): query log, delivery ids, keys."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

PRIVATE = 0o600


def create_private(path: Path) -> None:
    """Make sure `path` exists with mode 0600 (created so, or tightened) before SQLite opens
    it; SQLite gives its -wal/-shm/-journal files the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE)
    os.close(fd)
    os.chmod(path, PRIVATE)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, PRIVATE)


def connect_private(path: Path, wal: bool = True) -> sqlite3.Connection:
    """A thread-shared SQLite connection to a 0600 file (WAL mode by default: short writes from
    the event loop); the side files SQLite creates are tightened too."""
    create_private(path)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    create_private(path)  # the WAL files now exist: same mode
    return conn


def read_or_create_key(path: Path, nbytes: int = 32) -> bytes:
    """A random key kept in a 0600 file; created on first use (atomically, never overwritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        os.chmod(path, PRIVATE)
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 16:
            raise ValueError(f"khóa trong {path} quá ngắn") from None
        return key
    key = secrets.token_bytes(nbytes)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
