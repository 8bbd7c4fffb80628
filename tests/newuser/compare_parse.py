"""Compare what planbot reads from kh86_lamha.{docx,pdf} with the generator's truth (rows, leads,
coordinating as split for the KB, deadlines, notes) and list the body indicators; prints one line
per mismatch."""

import json
import sys
from pathlib import Path

from bot.cli_corpus import _parse
from retrieval.agencies import AgencyDirectory
from retrieval.enrich import enrich

out = Path(__file__).parent / "out"
truth = {t["row"]: t for t in json.loads((out / "kh86_truth.json").read_text(encoding="utf-8"))}
for name in sys.argv[1:] or ["kh86_lamha.docx", "kh86_lamha.pdf"]:
    parsed, _ = _parse(out / name)
    parsed = enrich(parsed, AgencyDirectory.load())  # agency cells split as the KB stores them
    tasks = [r for r in parsed.records if r.kind == "task"]
    inds = [r for r in parsed.records if r.kind == "indicator"]
    bad = 0
    for r in tasks:
        row = r.row.split()[-1]
        t = truth.get(row)
        if t is None:
            print(name, "extra row", r.row)
            bad += 1
            continue
        got = {
            "lead": list(r.lead),
            "coordinating": list(r.coordinating),
            "deadline": r.deadline,
            "note": r.note or "",
            "task": r.content,
        }
        for k in got:
            if got[k] != t[k]:
                print(f"{name} {r.row} {k}: got {got[k]!r} want {t[k]!r}")
                bad += 1
    missing = set(truth) - {r.row.split()[-1] for r in tasks}
    print(
        f"{name}: {len(tasks)} task rows, {len(inds)} indicators, {bad} field mismatches, "
        f"missing rows {sorted(missing)}"
    )
    for r in inds:
        print(f"  {r.row}: target {r.target!r} | {r.content[:70]!r}")
