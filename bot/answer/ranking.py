"""The one ranking path: hybrid search hits reranked by question coverage and channel ranks.

`rank()` is what the assistant answers from and what `benchmarks/retrieval_recall.py --ranking
product` measures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answer.context import AnswerContext
from bot.answer.evidence import Evidence
from bot.answer.grounding import (
    STOPWORDS,
    question_terms,
    rare_phrases,
    tokens,
    unseen_words,
    word_share,
)
from bot.answer.intent import QuestionFrame
from bot.answer.policy import POLICY, Policy
from retrieval.passages import Passage


@dataclass
class Candidate:
    """A search hit with its passage and the scores used to pick the answer."""

    passage: Passage
    cover: float  # IDF-weighted share of the question found in the passage (+ its plan's name)
    lexical_rank: int | None
    dense_rank: int | None
    length: int
    bonus: float = 0.0  # the row involves an agency the question names
    policy: Policy = field(default=POLICY, repr=False)
    dense_skipped: bool = False  # the dense channel was not asked (lexical evidence decisive)
    anchored: bool = True  # holds the question's most specific phrase (topic agreement)
    run: float = 0.0  # share of the question's topic words in its longest run found verbatim
    # coverage with the words the corpus never uses counted (`unseen_weight`): the bar for a row
    # the encoder did not rank first, since only the encoder can read an unknown word as a
    # paraphrase ("xe buýt" for "vận tải hành khách công cộng") rather than an absent thing
    strict: float | None = None
    share: float = 1.0  # unweighted share of the question's topic words it holds

    @property
    def agreed(self) -> bool:
        """Ranked first by both the lexical and the dense channel: strong evidence on its own."""
        return self.lexical_rank == 0 and self.dense_rank == 0

    def passes(self, minimum: float) -> bool:
        """Evidence enough to answer from this candidate: enough of the question's words held
        (`min_word_share`); then coverage over a lower bar when the dense channel ranks it first
        (words the corpus never uses left out: the encoder read them), otherwise with those words
        counted (`strict`) over the bar, or a higher one when only the lexical channel found it."""
        p = self.policy
        if not self.anchored or self.share < p.min_word_share:
            return False
        if self.agreed or self.dense_rank == 0:
            return self.cover >= minimum - p.agreement_relief
        cover = self.cover if self.strict is None else self.strict
        if self.dense_rank is None and not self.dense_skipped:
            return cover >= p.lexical_only_coverage
        return cover >= minimum

    @property
    def score(self) -> float:
        """Coverage (damped for very long passages) plus a bonus for ranking high in each channel."""
        p = self.policy
        damp = min(1.0, p.long_passage / max(1, self.length)) ** p.length_damping
        ranks = sum(
            p.rank_bonus / (1 + r) for r in (self.lexical_rank, self.dense_rank) if r is not None
        )
        return self.cover * damp + ranks + self.bonus + p.run_bonus * self.run


def rank(ctx: AnswerContext, frame: QuestionFrame, plain: str) -> list[Candidate]:
    """Top items of both search channels, reranked by coverage of `plain` (the question with
    abbreviations spelt out) and channel ranks; the dense channel is skipped when the lexical
    top hit already covers the question."""
    p = ctx.policy
    question = ctx.residual_question(frame, plain)
    title = ctx.title_terms(frame, question)

    # weighed once, matched against every candidate: words the corpus never uses left out
    # (ranking), and counted with `unseen_weight` (the bar of a row the encoder did not rank first)
    terms = question_terms(question, ctx.vocab, 0.0, p.unseen_phrase_weight, title, p.title_weight)
    strict_terms = (
        question_terms(
            question, ctx.vocab, p.unseen_weight, p.unseen_phrase_weight, title, p.title_weight
        )
        if p.unseen_weight > 0 and unseen_words(question, ctx.vocab)
        else None
    )
    with_plan = not frame.documents  # the plan's name is evidence too

    def cover_of(item: str) -> float:
        return terms.share_in(ctx.evidence(item, with_plan))

    def strict_of(item: str) -> float | None:
        if strict_terms is None:
            return None
        return strict_terms.share_in(ctx.evidence(item, with_plan))

    def lexical_decisive(lexical: list[tuple[str, float]]) -> bool:
        # decisive counting the unknown words: a question with words the corpus never uses
        # asks the encoder, the one channel that can vouch for them
        if not lexical:
            return False
        strict = strict_of(lexical[0][0])
        return (cover_of(lexical[0][0]) if strict is None else strict) >= p.dense_skip_coverage

    found = ctx.searcher.search_channels(  # type: ignore[attr-defined]
        question, k=p.search_depth, allowed=ctx.allowed(frame), skip_dense=lexical_decisive
    )
    run_of = run_share(tokens(question))
    anchors = rare_phrases(question, ctx.vocab, p.anchor_df_share)
    indicator_anchors = rare_phrases(question, ctx.vocab, p.indicator_anchor_df_share)
    lex = _channel_pool(ctx, frame, found.lexical)
    dense = _channel_pool(ctx, frame, found.dense)
    out: list[Candidate] = []
    for item in dict.fromkeys([*lex, *dense]):
        passage = ctx.passages.get(item)
        if passage is None:
            continue
        candidate = Candidate(
            passage,
            cover_of(item),
            lex.get(item),
            dense.get(item),
            len(passage.text),
            policy=p,
            dense_skipped=found.dense_skipped,
            strict=strict_of(item),
        )
        if passage.kind == "indicator" and p.indicator_subject_coverage > 0:
            # a named quantity answers only a question about that quantity: its own name
            # (not its section or agencies) must cover the question
            name = ctx.indicator_evidence.get(item, Evidence.of([]))
            subject = terms.share_in(name)
            candidate.anchored = subject >= p.indicator_subject_coverage
        wanted = indicator_anchors if passage.kind == "indicator" else anchors
        evidence = ctx.evidence(item, with_plan)
        if wanted:  # both words of each rare phrase, in any order ("cáp quang băng rộng")
            held = evidence.words()
            candidate.anchored = candidate.anchored and all(set(a.split()) <= held for a in wanted)
        candidate.run = run_of(evidence)
        # the row's own words; its plan's name ("Kế hoạch … chuyển đổi số") counts half
        candidate.share = word_share(
            question,
            ctx.evidence(item, with_plan=False),
            ctx.doc_evidence.get(passage.document, Evidence.of([])),
            p.share_context_weight,
        )
        if frame.agencies and ctx.involves(item, frame.agencies):
            candidate.bonus = p.agency_bonus
        out.append(candidate)
    out.sort(key=lambda c: -c.score)
    return out


def _channel_pool(
    ctx: AnswerContext, frame: QuestionFrame, ranked: list[tuple[str, float]]
) -> dict[str, int]:
    """Item → rank for one channel's top `channel_depth` items; a question asking who or when
    also gets the channel's next best rows (`record_depth`), so clauses repeating a row's words
    (a plan's body and its annex table) cannot crowd every row out."""
    p = ctx.policy
    pool = {item: r for r, (item, _) in enumerate(ranked[: p.channel_depth])}
    if frame.wants_owner or frame.wants_indicator:
        extra = [
            (item, r)
            for r, (item, _) in enumerate(ranked)
            if r >= p.channel_depth and item in ctx.views
        ]
        pool.update(extra[: p.record_depth])
    return pool


def longest_run_share(question: list[str], evidence: list[str] | Evidence) -> float:
    """Share of the question's topic words (not stopwords) inside the longest run of its tokens
    that the evidence holds in the same order: "nền tảng, ứng dụng thực tế ảo tại các di tích"
    read verbatim in a row beats a row holding the same words scattered (coverage ties)."""
    return run_share(question)(evidence)


def run_share(question: list[str]) -> Callable[[list[str] | Evidence], float]:
    """`longest_run_share` of one question, its topic words counted once for every row."""
    upto = [0]  # topic words among the first i tokens
    for t in question:
        upto.append(upto[-1] + (t not in STOPWORDS and len(t) > 1))
    total = upto[-1]

    def share(evidence: list[str] | Evidence) -> float:
        if not total:
            return 0.0
        if not isinstance(evidence, Evidence):
            evidence = Evidence.of(evidence)
        # the run starting at each question word, extended while the evidence holds it verbatim
        # (a busy server spent a tenth of its Python time re-walking runs pair by pair)
        return evidence.longest_run(question, upto) / total

    return share
