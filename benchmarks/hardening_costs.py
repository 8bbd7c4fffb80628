"""Benchmark: what the hardening costs per request — delivery-id check (SQLite), bounded parsing of
normal and hostile webhook bodies, secret masking of a log record, keyed query-log write.

Usage: .venv/bin/python benchmarks/hardening_costs.py [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def per_call_ms(fn: Callable[[], object], n: int) -> float:
    """Mean wall time of `fn()` in milliseconds over `n` calls."""
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1000


def main() -> None:
    from bot.channels.deliveries import DeliveryLog
    from bot.querylog import QueryLog
    from bot.redact import register_secrets, scrub_record
    from bot.safe_json import MalformedBody, parse_object

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    tmp = Path(tempfile.mkdtemp(prefix="planbot-hardening-"))

    deliveries = DeliveryLog(tmp / "deliveries.sqlite")
    counter = iter(range(10**9))
    print(
        f"delivery id check (SQLite, WAL): "
        f"{per_call_ms(lambda: deliveries.first_time('telegram', str(next(counter))), n):.3f} ms"
    )

    update = json.dumps(
        {"update_id": 1, "message": {"message_id": 2, "chat": {"id": 3}, "text": "😀" * 4096}}
    ).encode()
    print(
        f"parse 4,096-emoji update ({len(update):,} B): {per_call_ms(lambda: parse_object(update, 1 << 20), 200):.3f} ms"
    )

    deep = b"[" * 30_000 + b"]" * 30_000

    def hostile() -> None:
        try:
            parse_object(deep, 1 << 20)
        except MalformedBody:
            pass

    print(f"reject 30,000-deep body ({len(deep):,} B): {per_call_ms(hostile, 200):.3f} ms")

    register_secrets([f"secret-value-{i:04d}-abcdef" for i in range(10)])
    args = ("sendMessage", "https://api.telegram.org/bot123456:AAabcdefghijklmnopqrstuvwxyz/x")

    def mask() -> None:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s failed: %s", args, None)
        scrub_record(record)

    print(f"mask one log record (10 secrets): {per_call_ms(mask, n) * 1000:.1f} µs")

    querylog = QueryLog(tmp / "querylog.sqlite")

    def record() -> None:
        querylog.record("telegram", "5001", "Ai chủ trì hệ thống SOC?", "owner", 12.0)

    print(f"query-log write (HMAC user hash): {per_call_ms(record, n):.3f} ms")


if __name__ == "__main__":
    main()
