"""Score the assistant on a gold file in the format of shared/eval/dev.jsonl."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.schemas import Answer
from retrieval.textnorm import fold

# clause_when: who / when / how often answered by a body clause, scored as guidance
ANSWERABLE = ("owner_deadline", "indicator", "guidance", "list", "clause_when")


def _key(text: str | None) -> str:
    """Loose comparison form: folded, punctuation-insensitive."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text or "")).split())


def _contains(haystack: str | None, needle: str | None) -> bool:
    return bool(needle) and _key(needle) in _key(haystack)


def _same_doc(fact: dict[str, Any], doc: str) -> bool:
    return _key(fact.get("document")) == _key(doc)


def _agency_ok(gold: str, printed: list[str]) -> bool:
    """A gold agency is right when one printed agency names it (either contains the other)."""
    g = _key(gold)
    return any(g and (g in _key(p) or _key(p) in g) and _key(p) for p in printed)


def _accepts(gold: dict[str, Any], name: str, value: Any) -> list[Any]:
    return [value, *gold.get("accept", {}).get(name, [])]


@dataclass
class Outcome:
    """One question's verdict and the numbers it contributes."""

    id: str
    kind: str
    style: str
    ok: bool
    score: float  # 1/0, or F1 for lists
    false_not_found: bool
    detail: dict[str, Any] = field(default_factory=dict)


def score_owner_deadline(gold: dict[str, Any], ans: Answer) -> tuple[bool, dict[str, Any]]:
    """Lead, deadline and citation (document, row, quote) of the best fact all right."""
    fact = ans.facts[0] if ans.facts else {}
    lead_ok = bool(fact) and all(_agency_ok(g, fact.get("lead") or []) for g in gold["lead"])
    deadlines = _accepts(gold, "deadline", gold.get("deadline"))
    deadline_ok = bool(fact) and any(
        (d is None and not fact.get("deadline")) or (d and _key(d) == _key(fact.get("deadline")))
        for d in deadlines
    )
    top_quote = ans.citations[0].quote if ans.citations else ""
    cite_ok = (
        bool(fact)
        and _same_doc(fact, gold["doc"])
        and _key(fact.get("row")) == _key(gold["row"])
        and _contains(top_quote, gold["quote"])
    )
    detail = {"lead": lead_ok, "deadline": deadline_ok, "citation": cite_ok}
    return lead_ok and deadline_ok and cite_ok, detail


def score_indicator(gold: dict[str, Any], ans: Answer) -> tuple[bool, dict[str, Any]]:
    """Target and focal agency of the best fact right (and it is the gold row)."""
    fact = ans.facts[0] if ans.facts else {}
    target_ok = bool(fact) and _key(fact.get("target")) == _key(gold["target"])
    lead_ok = bool(fact) and _agency_ok(gold["lead"], fact.get("lead") or [])
    row_ok = bool(fact) and _key(fact.get("row")) == _key(gold["row"])
    detail = {"target": target_ok, "lead": lead_ok, "row": row_ok}
    return target_ok and lead_ok and row_ok, detail


def score_guidance(gold: dict[str, Any], ans: Answer) -> tuple[bool, dict[str, Any]]:
    """The gold quote inside one of the top-3 citation quotes."""
    hit = any(_contains(c.quote, gold["quote"]) for c in ans.citations[:3])
    return hit, {"quote_in_top3": hit}


def score_list(gold: dict[str, Any], ans: Answer) -> tuple[float, dict[str, Any]]:
    """Row precision and recall of the facts against the gold rows (F1)."""
    got = {_key(f.get("row")) for f in ans.facts if _same_doc(f, gold["doc"])}
    want = {_key(r) for r in gold["rows"]}
    tp = len(got & want)
    precision = tp / len(ans.facts) if ans.facts else 0.0
    recall = tp / len(want) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, {"precision": precision, "recall": recall, "returned": len(ans.facts)}


def score_one(item: dict[str, Any], ans: Answer) -> Outcome:
    """Verdict for one gold item."""
    kind, gold = item["kind"], item["gold"]
    false_nf = kind in ANSWERABLE and ans.intent == "not_found"
    if kind == "owner_deadline":
        ok, detail = score_owner_deadline(gold, ans)
        score = float(ok)
    elif kind == "indicator":
        ok, detail = score_indicator(gold, ans)
        score = float(ok)
    elif kind in ("guidance", "clause_when"):
        ok, detail = score_guidance(gold, ans)
        score = float(ok)
    elif kind == "list":
        score, detail = score_list(gold, ans)
        ok = score >= 0.999
    else:
        ok = ans.intent == "not_found"
        score, detail = float(ok), {}
    detail["intent"] = ans.intent
    return Outcome(item["id"], kind, item.get("style", ""), ok, score, false_nf, detail)


@dataclass
class Report:
    """Scores per kind and per style, false "not found" count, latency, failures."""

    by_kind: dict[str, float]
    by_style: dict[str, float]
    counts: dict[str, int]
    false_not_found: int
    answerable: int
    overall: float
    failures: list[dict[str, Any]]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "failures"}


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The items of a gold file (JSON lines; blank lines skipped)."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def gold_questions(paths: list[Path]) -> list[str]:
    """The questions of the gold files that exist, in order (benchmarks' question sets)."""
    return [item["question"] for path in paths if path.is_file() for item in read_gold(path)]


def run_eval(path: Path, ask: Callable[[str], Answer]) -> Report:
    """Ask every question of the gold file and aggregate the scores."""
    items = read_gold(path)
    kinds: dict[str, list[float]] = defaultdict(list)
    styles: dict[str, list[float]] = defaultdict(list)
    failures: list[dict[str, Any]] = []
    false_nf = 0
    start = time.perf_counter()
    for item in items:
        ans = ask(item["question"])
        out = score_one(item, ans)
        kinds[out.kind].append(out.score)
        styles[out.style].append(out.score)
        false_nf += out.false_not_found
        if not out.ok:
            failures.append(
                {
                    "id": out.id,
                    "kind": out.kind,
                    "style": out.style,
                    "question": item["question"],
                    "gold": item["gold"],
                    "detail": out.detail,
                    "answer": ans.answer,
                    "facts": [
                        {k: f.get(k) for k in ("document", "row", "lead", "deadline", "target")}
                        for f in ans.facts[:5]
                    ],
                    "citations": [c.model_dump() for c in ans.citations[:3]],
                }
            )
    elapsed = time.perf_counter() - start
    all_scores = [s for v in kinds.values() for s in v]
    return Report(
        by_kind={k: sum(v) / len(v) for k, v in sorted(kinds.items())},
        by_style={k: sum(v) / len(v) for k, v in sorted(styles.items())},
        counts={k: len(v) for k, v in sorted(kinds.items())},
        false_not_found=false_nf,
        answerable=sum(len(v) for k, v in kinds.items() if k in ANSWERABLE),
        overall=sum(all_scores) / len(all_scores) if all_scores else 0.0,
        failures=failures,
        seconds=elapsed,
    )
