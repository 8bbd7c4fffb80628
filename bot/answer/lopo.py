"""Leave-one-plan-out calibration of the answering policy on generated questions.

Every policy variant of a one-at-a-time grid around the current policy answers every generated
question once (search results are memoised, so only the decision rules rerun). For each plan P,
the best value of each tunable constant is chosen on the other plans' questions (a coordinate
step, kept only when the combined change also beats the current policy there), and that policy
is scored on P's questions only. Absent-answer questions are
spread over the folds. Run:
  python -m bot.answer.lopo --index-dir indexes [--questions artifacts/generated.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.answer.policy import POLICY, TUNABLE, Policy, policy_dict
from bot.evaluate import ANSWERABLE, Outcome, score_one
from bot.schemas import Answer
from retrieval.search import ChannelResults

GRID: dict[str, tuple[float, ...]] = {
    "min_record_coverage": (0.26, 0.30, 0.34, 0.40, 0.46),
    "min_clause_coverage": (0.22, 0.26, 0.30, 0.36, 0.42),
    "agreement_relief": (0.0, 0.05, 0.10, 0.15),
    "lexical_only_coverage": (0.5, 0.6, 0.7),
    "unseen_weight": (0.0, 0.25, 0.5, 0.75, 1.0),
    "min_word_share": (0.0, 0.4, 0.45, 0.5, 0.55, 0.6),
    "share_context_weight": (0.0, 0.5, 1.0),
    "unseen_phrase_weight": (0.0, 0.25, 0.5, 1.0),
    "agency_bonus": (0.0, 0.1, 0.2),
    "run_bonus": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
    "title_weight": (0.0, 0.25, 0.5, 1.0),
    "anchor_df_share": (0.0, 0.002, 0.005, 0.01),
    "indicator_anchor_df_share": (0.0, 0.002, 0.003, 0.005, 0.01),
    "indicator_subject_coverage": (0.0, 0.4, 0.5, 0.6, 0.7),
    "clause_time_margin": (-0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 9.0),  # 9: rows always win
    "actor_relief": (0.0, 0.1, 0.2, 0.3, 0.5),
}
FALSE_NOT_FOUND_PENALTY = 2.0  # a wrong "not found" costs more than a wrong answer


class MemoSearcher:
    """Wraps a hybrid searcher: each (query, scope) is searched once with both channels; every
    call then gets what the product's call would get, the dense channel left out when its
    `skip_dense(lexical hits)` says so (the policy's dense-skip shortcut), so LOPO measures
    the product path."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._memo: dict[tuple[str, int, frozenset[str] | None], ChannelResults] = {}

    def search_channels(
        self,
        query: str,
        k: int = 10,
        allowed: Container[str] | None = None,
        skip_dense: Callable[[list[tuple[str, float]]], bool] | None = None,
    ) -> ChannelResults:
        scope = frozenset(allowed) if isinstance(allowed, set | frozenset) else None
        key = (query, k, scope)
        if key not in self._memo:
            self._memo[key] = self.inner.search_channels(query, k, allowed)
        full = self._memo[key]
        if skip_dense is None or not full.query.original or not skip_dense(full.lexical):
            return full
        lexical_only = ChannelResults(full.query, dense_skipped=True)
        return self.inner.fuse(lexical_only, full.lexical, [], k)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@dataclass
class Scored:
    """A question's outcome under one policy."""

    item: dict[str, Any]
    outcome: Outcome


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Generated questions (JSON lines with a `plan` field)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def assign_folds(items: list[dict[str, Any]], plans: list[str]) -> dict[str, str]:
    """Question id → the plan whose fold it belongs to (absent questions spread round-robin)."""
    folds: dict[str, str] = {}
    spare = 0
    for item in items:
        if item.get("plan"):
            folds[item["id"]] = item["plan"]
        else:
            folds[item["id"]] = plans[spare % len(plans)]
            spare += 1
    return folds


def summarise(scored: Iterable[Scored]) -> dict[str, Any]:
    """Accuracy per kind and style, list F1, absent recognised, false "not found" rate."""
    kinds: dict[str, list[float]] = defaultdict(list)
    styles: dict[str, list[float]] = defaultdict(list)
    false_nf = answerable = 0
    for s in scored:
        kinds[s.outcome.kind].append(s.outcome.score)
        styles[s.outcome.style].append(s.outcome.score)
        if s.outcome.kind in ANSWERABLE:
            answerable += 1
            false_nf += s.outcome.false_not_found
    by_kind = {k: sum(v) / len(v) for k, v in sorted(kinds.items())}
    return {
        "by_kind": by_kind,
        "by_style": {k: sum(v) / len(v) for k, v in sorted(styles.items())},
        "counts": {k: len(v) for k, v in sorted(kinds.items())},
        "false_not_found_rate": false_nf / answerable if answerable else 0.0,
        "n": sum(len(v) for v in kinds.values()),
    }


def objective(scored: list[Scored]) -> float:
    """Mean of the per-kind scores minus a penalty for wrong "not found" answers."""
    if not scored:
        return 0.0
    summary = summarise(scored)
    kinds = summary["by_kind"]
    return (
        sum(kinds.values()) / len(kinds) - FALSE_NOT_FOUND_PENALTY * summary["false_not_found_rate"]
    )


def variants(base: Policy) -> list[tuple[str, float, Policy]]:
    """The current policy and one-at-a-time changes of each tunable constant."""
    out: list[tuple[str, float, Policy]] = [("", 0.0, base)]
    for name, values in GRID.items():
        if name not in TUNABLE:
            continue
        for value in values:
            if value != getattr(base, name):
                out.append((name, value, base.with_values(**{name: value})))
    return out


def answer_all(ask: Callable[[str], Answer], items: list[dict[str, Any]]) -> dict[str, Scored]:
    """Every question answered and scored under one policy."""
    return {item["id"]: Scored(item, score_one(item, ask(item["question"]))) for item in items}


def choose(
    base: Policy,
    results: dict[tuple[str, float], dict[str, Scored]],
    ids: set[str],
) -> Policy:
    """Coordinate step on the questions `ids`: each constant's best value, others at base."""
    chosen: dict[str, float] = {}
    default = objective([s for i, s in results[("", 0.0)].items() if i in ids])
    for name in GRID:
        best_value, best_score = getattr(base, name), default
        for (param, value), scored in results.items():
            if param != name:
                continue
            score = objective([s for i, s in scored.items() if i in ids])
            if score > best_score + 1e-9:
                best_value, best_score = value, score
        chosen[name] = best_value
    return base.with_values(**chosen)


def run_lopo(
    assistant: Any, items: list[dict[str, Any]], log: Callable[[str], None]
) -> dict[str, Any]:
    """Tune on four plans, measure on the fifth, for every plan; and the policy tuned on all."""
    assistant.searcher = MemoSearcher(assistant.searcher)
    assistant.ctx.searcher = assistant.searcher
    plans = sorted({i["plan"] for i in items if i.get("plan")})
    folds = assign_folds(items, plans)
    results: dict[tuple[str, float], dict[str, Scored]] = {}
    start = time.perf_counter()
    for name, value, policy in variants(assistant.policy):
        results[(name, value)] = answer_all(assistant.with_policy(policy).ask, items)
        log(f"  {name or 'hiện tại'}={value}: {time.perf_counter() - start:.0f} s")
    tested: list[Scored] = []
    per_plan: dict[str, Any] = {}

    def tune(train: set[str]) -> Policy:
        """The coordinate step, kept only when the combined change beats the current policy
        on the training questions (single-constant gains need not add up)."""
        tuned = choose(assistant.policy, results, train)
        train_items = [item for item in items if item["id"] in train]
        scored = answer_all(assistant.with_policy(tuned).ask, train_items)
        base = [s for i, s in results[("", 0.0)].items() if i in train]
        return tuned if objective(list(scored.values())) > objective(base) else assistant.policy

    for plan in plans:
        train = {i for i, p in folds.items() if p != plan}
        test = [item for item in items if folds[item["id"]] == plan]
        tuned = tune(train)
        scored = answer_all(assistant.with_policy(tuned).ask, test)
        tested += scored.values()
        per_plan[plan] = {
            "policy": {k: getattr(tuned, k) for k in GRID},
            **summarise(scored.values()),
        }
    final = tune(set(folds))
    return {
        "lopo": summarise(tested),
        "per_plan": per_plan,
        "current": summarise(results[("", 0.0)].values()),
        "tuned_on_all": {k: getattr(final, k) for k in GRID},
        "seconds": round(time.perf_counter() - start, 1),
    }


def print_report(report: dict[str, Any]) -> None:
    """Human-readable LOPO report."""
    lopo = report["lopo"]
    print("Leave-one-plan-out (tune on 4 plans, measure on the 5th):")
    for kind, value in lopo["by_kind"].items():
        print(f"  {kind:15s} {value:6.1%}  (n={lopo['counts'][kind]})")
    print("Theo cách gõ (style):")
    for style, value in lopo["by_style"].items():
        print(f"  {style:15s} {value:6.1%}")
    print(f"Trả lời nhầm 'không tìm thấy': {lopo['false_not_found_rate']:.1%} câu có đáp án")
    print("Chính sách hiện tại trên toàn bộ:", json.dumps(report["current"]["by_kind"]))
    print("Giá trị chọn khi tinh chỉnh trên cả 5 kế hoạch:", json.dumps(report["tuned_on_all"]))


def main(argv: list[str] | None = None) -> int:
    """Generate (unless given) the questions, run LOPO, print and save the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", default="indexes")
    parser.add_argument("--questions", default=None, help="JSON lines; generated when omitted")
    parser.add_argument("--out", default="artifacts/lopo.json")
    args = parser.parse_args(argv)
    from bot.answer.assistant import Assistant
    from bot.answer.gen_questions import generate

    assistant = Assistant.from_index(args.index_dir, policy=POLICY)
    if args.questions:
        items = load_questions(Path(args.questions))
    else:
        items = [q.as_json() for q in generate(assistant.kb)]
    print(f"{len(items)} câu hỏi sinh từ cơ sở tri thức; chính sách: {policy_dict(POLICY)}")
    report = run_lopo(assistant, items, lambda m: print(m, file=sys.stderr))
    print_report(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
