"""Delivery ids already handled, kept in SQLite (0600) for a retention window, so a webhook
redelivered after a restart is not answered twice."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Protocol

from bot.securefile import connect_private

log = logging.getLogger(__name__)

DEFAULT_RETENTION_SECONDS = 3 * 24 * 3600  # platforms stop redelivering long before this
PURGE_EVERY = 500  # inserts between purges of expired ids

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    seen REAL NOT NULL,
    PRIMARY KEY (channel, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_seen ON deliveries(seen);
"""


class DeliverySet(Protocol):
    """What a channel asks before handling a delivery (`Deduper` in memory, or SQLite)."""

    def first_time(self, key: Hashable) -> bool: ...


class DeliveryLog:
    """Thread-safe set of (channel, delivery id) with a time-to-live."""

    def __init__(
        self,
        path: Path | str,
        retention_seconds: float = DEFAULT_RETENTION_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.retention = retention_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._inserts = 0
        self._conn = connect_private(self.path)
        with self._lock, self._conn:  # short writes on the event loop
            self._conn.executescript(_SCHEMA)
        self.purge()

    def first_time(self, channel: str, key: str) -> bool:
        """Record `key`; True the first time within the retention window, False for a repeat."""
        now = self._clock()
        with self._lock, self._conn:
            row = self._conn.execute(
                "SELECT seen FROM deliveries WHERE channel=? AND key=?", (channel, key)
            ).fetchone()
            if row is not None and now - row[0] < self.retention:
                return False
            self._conn.execute(
                "INSERT OR REPLACE INTO deliveries(channel, key, seen) VALUES (?,?,?)",
                (channel, key, now),
            )
            self._inserts += 1
        if self._inserts % PURGE_EVERY == 0:
            self.purge()
        return True

    def purge(self) -> int:
        """Forget ids older than the retention window; returns how many were removed."""
        cutoff = self._clock() - self.retention
        with self._lock, self._conn:
            return self._conn.execute("DELETE FROM deliveries WHERE seen < ?", (cutoff,)).rowcount

    def count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def for_channel(self, channel: str) -> ChannelDeliveries:
        """The `first_time(key)` view one channel uses."""
        return ChannelDeliveries(self, channel)


class ChannelDeliveries:
    """One channel's delivery ids in a shared DeliveryLog (same interface as `Deduper`)."""

    def __init__(self, log: DeliveryLog, channel: str) -> None:
        self.log = log
        self.channel = channel

    def first_time(self, key: Hashable) -> bool:
        """As DeliveryLog.first_time; when the store fails (locked, disk full, closed) the event
        is handled anyway — at worst answered twice, never a 500 to the platform."""
        try:
            return self.log.first_time(self.channel, repr(key) if not isinstance(key, str) else key)
        except sqlite3.Error as exc:
            log.warning("delivery ids unavailable (%s); handling the event", type(exc).__name__)
            return True
