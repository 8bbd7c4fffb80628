"""Cost of the workspace's heavy paths on a real index: XLSX/CSV export (the API caps a file at
5,000 rows, built in the request), the filtered selection behind them, and one deadline digest.
Rows beyond the corpus are copies of real rows with new ids, so cell sizes stay realistic.
Run: .venv/bin/python benchmarks/workspace_exports.py [--index-dir indexes] [--rows 5000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.digest import build_digest  # noqa: E402
from bot.exports import to_csv, to_xlsx  # noqa: E402
from bot.filters import build_query, select  # noqa: E402
from retrieval.kb import KnowledgeBase, record_json  # noqa: E402


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """(median ms, max ms, last result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "indexes")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kb = KnowledgeBase(args.index_dir / "kb.sqlite")
    every = [record_json(v) for v in kb.iter_records()]
    rows = [dict(every[i % len(every)], id=f"synthetic:{i}") for i in range(args.rows)]
    print(f"records in KB: {len(every)}; export rows: {len(rows)}")

    for label, work in (
        (
            "select agency=Sở Khoa học và Công nghệ",
            lambda: select(kb, build_query(kb, agency="Sở Khoa học và Công nghệ")),
        ),
        (
            "select due=quá hạn (2025-12-10)",
            lambda: select(kb, build_query(kb, due="quá hạn", on=date(2025, 12, 10))),
        ),
        (
            "digest Sở Khoa học và Công nghệ, 30 days",
            lambda: build_digest(kb, "Sở Khoa học và Công nghệ", date(2025, 12, 10), 30),
        ),
    ):
        median, worst, _ = timed(work, args.repeat)
        print(f"{label:<45} median {median:8.1f} ms   max {worst:8.1f} ms")
    for label, fmt in (("xlsx", to_xlsx), ("csv", to_csv)):
        median, worst, data = timed(lambda fmt=fmt: fmt(rows), args.repeat)
        size = len(data) / 1024  # type: ignore[arg-type]
        print(
            f"export {label} {len(rows)} rows{'':<27} median {median:8.1f} ms   max {worst:8.1f} ms   {size:,.0f} KiB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
