"""Indexed evidence and once-weighed question terms give exactly what re-walking the tokens gave:
coverage and verbatim runs on random questions and rows, a row with its plan's name after '|'."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.answer.evidence import Evidence
from bot.answer.grounding import (
    STOPWORDS,
    bigrams,
    build_vocabulary,
    content_bigrams,
    content_tokens,
    coverage,
    question_terms,
    tokens,
)
from bot.answer.ranking import longest_run_share

WORDS = "so tai chinh chu tri he thong giam sat an toan thong tin du lieu dan cu cua va cac".split()


def _old_coverage(question, ev_tokens, vocab, unseen, unseen_phrase, damped, damping) -> float:
    """The coverage arithmetic before evidence was indexed (sets rebuilt per call)."""
    q_tokens = content_tokens(question)
    if not q_tokens:
        return 0.0
    ev_token_set, ev_bigrams = set(ev_tokens), set(bigrams(ev_tokens))
    terms = [(t, t in ev_token_set) for t in q_tokens]
    terms += [
        (b, b in ev_bigrams)
        for b in content_bigrams(question)
        if vocab.bigram_df[b] > 0 or unseen_phrase > 0
    ]

    def weight(term: str) -> float:
        idf = vocab.idf(term) * (damping if term in damped else 1.0)
        if " " in term:
            if vocab.bigram_df[term] > 0:
                return idf
            if any(vocab.token_df[t] == 0 for t in term.split()):
                return idf * unseen
            return idf * unseen_phrase
        return idf * unseen if vocab.token_df[term] == 0 else idf

    total = sum(weight(t) for t, _ in terms)
    if total <= 0:
        return 0.0
    return sum(weight(t) for t, hit in terms if hit) / total


def _old_run_share(question: list[str], evidence: list[str]) -> float:
    """longest_run_share before evidence was indexed."""
    topic = [t not in STOPWORDS and len(t) > 1 for t in question]
    total = sum(topic)
    if not total:
        return 0.0
    where: dict[str, list[int]] = {}
    for j, t in enumerate(evidence):
        where.setdefault(t, []).append(j)
    best, ending = 0, {}
    for i, t in enumerate(question):
        held_here = {}
        for j in where.get(t, ()):
            held_here[j] = ending.get(j - 1, 0) + topic[i]
            best = max(best, held_here[j])
        ending = held_here
    return best / total


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_evidence_answers_as_the_token_sets_did() -> None:
    row = tokens("Sở Tài chính chủ trì hệ thống tài chính")
    plan = tokens("Kế hoạch 402 chuyển đổi số")
    joined = row + ["|"] + plan
    evidence = Evidence.of(row).plus(Evidence.of(plan))
    assert evidence.words() == set(joined) - {"|"}
    for t in [*joined, "xyz"]:
        assert evidence.held_weight([(t, 2.0, None)]) == (2.0 if t in set(joined) - {"|"} else 0.0)
    pairs = {tuple(b.split()) for b in bigrams(joined) if "|" not in b}
    for a in set(joined) - {"|"}:
        for b in set(joined) - {"|"}:
            held = evidence.held_weight([(f"{a} {b}", 1.0, (a, b))])
            assert held == (1.0 if (a, b) in pairs else 0.0)
    assert not evidence.held_weight([("chinh ke", 1.0, ("chinh", "ke"))])  # not across parts


@pytest.mark.parametrize("seed", range(4))
def test_coverage_and_runs_equal_the_unindexed_arithmetic(seed: int) -> None:
    rng = random.Random(seed)
    vocab = build_vocabulary([_text(rng, rng.randint(3, 30)) for _ in range(40)])
    for _ in range(300):
        question = _text(rng, rng.randint(0, 12)) + rng.choice(["", " chuoi khoi", " xe buyt"])
        row, plan = tokens(_text(rng, rng.randint(0, 40))), tokens(_text(rng, rng.randint(0, 6)))
        damped = frozenset(rng.sample(WORDS, 3) + ["thong tin"])
        args = (rng.choice([0.0, 0.5, 1.0]), rng.choice([0.0, 1.0]), damped, rng.random())
        joined = row + ["|"] + plan
        expected = _old_coverage(question, joined, vocab, *args)
        indexed = Evidence.of(row).plus(Evidence.of(plan))
        assert question_terms(question, vocab, *args).share_in(indexed) == expected
        assert coverage(question, joined, vocab, *args) == expected
        text = " ".join(row)
        assert coverage(question, text, vocab, *args) == _old_coverage(question, row, vocab, *args)
        q_tokens = tokens(question)
        assert longest_run_share(q_tokens, indexed) == _old_run_share(q_tokens, joined)
        assert longest_run_share(q_tokens, row) == _old_run_share(q_tokens, row)


def test_a_place_is_known_only_after_a_place_word() -> None:
    """The substring shortcut before the place scan keeps its answers."""
    from bot.answer.grounding import _known_place

    vocab = build_vocabulary(["Ủy ban nhân dân quận, huyện: Hoàn Kiếm", "Chủ tịch Hồ Chí Minh"])
    assert _known_place("hoàn kiếm", vocab)
    assert not _known_place("hồ chí", vocab)  # the words, but after no place word
    assert not _known_place("cà mau", vocab)  # words the corpus never holds


def test_clause_bodies_cached_per_heading_equal_the_directory(kb_path: Path) -> None:
    """Clauses under one heading share its bodies; each clause still gets its own text's."""
    from bot.answer.assistant import Assistant

    ctx = Assistant.from_index(kb_path.parent).ctx
    for clause in ctx.clauses.values():
        heading = clause.heading_path[-1] if clause.heading_path else ""
        expected = (
            ctx.directory.heading_bodies(heading),
            ctx.directory.assigned_in(clause.text),
        )
        assert ctx.clause_bodies(clause) == expected
        assert ctx.clause_bodies(clause) is ctx.clause_bodies(clause)  # read once
    assert len(ctx._heading_bodies) < len(ctx.clauses)
    assert any(bodies for bodies, _ in map(ctx.clause_bodies, ctx.clauses.values()))
