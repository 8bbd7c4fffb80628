"""Write every answer of a question set as JSON lines, to check that a speed change kept answers.

Usage: .venv/bin/python benchmarks/dump_answers.py --index-dir X --out before.jsonl
       (change the code) … --out after.jsonl;  cmp before.jsonl after.jsonl
Asks dev, the held-out sets and every generated question (`bot.answer.gen_questions`), each in a
fresh session followed by two follow-ups in that session (so the follow-up paths are covered too);
one line per answer: the question and the whole `Answer` as the API returns it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = Path("/work/shared/eval/dev.jsonl")
FOLLOW_UPS = ("còn cơ quan phối hợp thì sao?", "hạn khi nào?")


def main() -> None:
    from bot.answer.assistant import Assistant
    from bot.answer.gen_questions import generate
    from bot.evaluate import gold_questions

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--gold", type=Path, action="append", default=None)
    parser.add_argument("--no-generated", action="store_true")
    args = parser.parse_args()
    golds = args.gold or [DEV, *sorted((ROOT / "tests" / "data").glob("heldout*.jsonl"))]
    questions = gold_questions(golds)
    assistant = Assistant.from_index(args.index_dir)
    if not args.no_generated:
        questions += [q.question for q in generate(assistant.kb)]
    start = time.process_time()
    with args.out.open("w", encoding="utf-8") as out:
        for n, question in enumerate(questions):
            session = f"s{n}"
            for asked in (question, *FOLLOW_UPS):
                answer = assistant.ask(asked, session=session)
                out.write(json.dumps({"q": asked, "a": answer.model_dump()}, ensure_ascii=False))
                out.write("\n")
    spent = time.process_time() - start
    print(f"{len(questions)} questions (+{len(FOLLOW_UPS)} follow-ups each) in {spent:.1f} s CPU")


if __name__ == "__main__":
    main()
