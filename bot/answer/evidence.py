"""A passage's folded tokens indexed once, so ranking ~40 candidates per question reads each
row's words, word pairs and verbatim runs by look-up instead of re-walking its tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """Where each token stands in one or more token runs (a row's text, then its plan's name),
    as a bit mask of positions per part; no word pair or run spans two parts, as none spanned
    the '|' that once joined them."""

    parts: tuple[Mapping[str, int], ...]  # token → bit j set when the part's j-th token is it

    @classmethod
    def of(cls, tokens: Sequence[str]) -> Evidence:
        """The evidence of one token run."""
        masks: dict[str, int] = {}
        for j, t in enumerate(tokens):
            masks[t] = masks.get(t, 0) | (1 << j)
        return cls((masks,))

    def plus(self, other: Evidence) -> Evidence:
        """This evidence followed by another (a row and its plan's name)."""
        return Evidence(self.parts + other.parts)

    def __contains__(self, token: object) -> bool:
        """Whether any part holds the token."""
        return any(token in part for part in self.parts)

    def words(self) -> set[str]:
        """Every distinct token."""
        return {t for part in self.parts for t in part}

    def held_weight(self, terms: Sequence[tuple[str, float, tuple[str, str] | None]]) -> float:
        """Summed weight (in the terms' order) of the terms held: a word anywhere, a word pair
        as a pair; each term is (word or "word pair", weight, the pair's words or None)."""
        held = 0.0
        for term, weight, pair in terms:
            for part in self.parts:
                if part.get(pair[0], 0) & (part.get(pair[1], 0) >> 1) if pair else term in part:
                    held += weight
                    break
        return held

    def longest_run(self, question: Sequence[str], upto: Sequence[int]) -> int:
        """The most weight a run of consecutive question tokens found verbatim (in order, in one
        part) carries, `upto[i]` being the weight of the first i tokens: for each start, the
        longest run found, its weight."""
        best = 0
        n = len(question)
        for part in self.parts:
            for a in range(n):
                starts = part.get(question[a], 0)  # where a run q[a..b] starts in the part
                if not starts:
                    continue
                b = a
                while b + 1 < n:
                    further = starts & (part.get(question[b + 1], 0) >> (b + 1 - a))
                    if not further:
                        break
                    starts, b = further, b + 1
                if upto[b + 1] - upto[a] > best:
                    best = upto[b + 1] - upto[a]
        return best
