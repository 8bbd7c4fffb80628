"""Worst-case question cost: in-process `ask` time of hostile questions against a normal one.

    .venv/bin/python benchmarks/question_cost.py --index-dir indexes [--repeat 5]

Accent restoration (pyvi) grew with word length: a 1,000-letter question without spaces took
≈ 4 s. Restoration now only sees bounded words (retrieval/query_text.py), so every question
here should cost at most a few times a normal one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = {
    "normal": "ai chu tri trien khai he thong soc, han khi nao?",
    "1000 letters, no space": "a" * 1000,
    "1000 mixed letters": ("chuyendoiso" * 91)[:1000],
    "400 short words": " ".join(["quy", "trinh", "chuyen", "doi", "so"] * 80)[:1000],
    "long word inside": "ai chu tri " + "x" * 900 + " han khi nao",
}


def main() -> None:
    from bot.answer.assistant import Assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=ROOT / "indexes")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    assistant = Assistant.from_index(args.index_dir)
    assistant.ask("khởi động")
    medians: dict[str, float] = {}
    for name, question in CASES.items():
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            assistant.ask(f"{question} {i}")  # a new text each time: no cache helps
            times.append((time.perf_counter() - start) * 1000)
        medians[name] = statistics.median(times)
    for name, ms in medians.items():
        print(f"{name:25s} {ms:8.1f} ms  ({ms / medians['normal']:.1f}× normal)")


if __name__ == "__main__":
    main()
