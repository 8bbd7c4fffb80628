"""Ingest speed: seconds per 100 table rows to read and parse a generated plan, per format.

Plans come from tests/plangen.py (the "national" layout, seeded); each format is read and parsed
`--repeat` times and the best run is reported, so the number is the reader's cost, not noise.
Run: .venv/bin/python benchmarks/ingest_speed.py [--rows 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import plangen  # noqa: E402

from retrieval.ingest.parser import parse_document  # noqa: E402
from retrieval.models import Document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = plangen.make_plan(seed=1, rows=args.rows, sections=5)
    layout = plangen.LAYOUTS["national"]
    writers = {
        "text": lambda p: plangen.write_text(spec, layout, p),
        "docx": lambda p: plangen.write_docx(spec, layout, p),
        "pdf": lambda p: plangen.write_pdf(spec, layout, p, rows_per_page=15),
    }
    suffix = {"text": "txt", "docx": "docx", "pdf": "pdf"}
    print(f"{'định dạng':<10}{'dòng':>6}{'bản ghi':>9}{'giây':>8}{'giây/100 dòng':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in writers.items():
            path = write(Path(tmp) / f"plan.{suffix[name]}")
            doc = Document("900", path.name, "", None, "", "", "national")
            best = float("inf")
            records = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                parsed = parse_document(doc, Path(tmp))
                best = min(best, time.perf_counter() - started)
                records = len(parsed.records)
            per100 = best / args.rows * 100
            print(f"{name:<10}{args.rows:>6}{records:>9}{best:>8.2f}{per100:>15.3f}")


if __name__ == "__main__":
    main()
