"""Rerank search candidates: question coverage, channel ranks and the bars an answer must pass."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.passages import Passage

LONG_PASSAGE = 400  # characters; longer passages get their coverage damped
AGREEMENT_RELIEF = 0.1  # lower bar when the channels agree (or the dense channel ranks it first)
AGENCY_BONUS = 0.1  # the row involves an agency the question names
LEXICAL_ONLY_COVERAGE = 0.6  # a word-overlap-only match must cover most of the question


@dataclass
class Candidate:
    """A search hit with its passage and the scores used to pick the answer."""

    passage: Passage
    cover: float  # IDF-weighted share of the question found in the passage (+ its plan's name)
    lexical_rank: int | None
    dense_rank: int | None
    length: int
    bonus: float = 0.0  # the row involves an agency the question names

    @property
    def agreed(self) -> bool:
        """Ranked first by both the lexical and the dense channel: strong evidence on its own."""
        return self.lexical_rank == 0 and self.dense_rank == 0

    def passes(self, minimum: float) -> bool:
        """Coverage high enough to answer from this candidate: a lower bar when both channels
        rank it first, a higher one when only the lexical channel found it at all."""
        if self.agreed or self.dense_rank == 0:
            return self.cover >= minimum - AGREEMENT_RELIEF
        if self.dense_rank is None:
            return self.cover >= LEXICAL_ONLY_COVERAGE
        return self.cover >= minimum

    @property
    def score(self) -> float:
        """Coverage (damped for very long passages) plus a bonus for ranking high in each channel."""
        damp = min(1.0, LONG_PASSAGE / max(1, self.length)) ** 0.25
        ranks = sum(0.2 / (1 + r) for r in (self.lexical_rank, self.dense_rank) if r is not None)
        return self.cover * damp + ranks + self.bonus
