"""A passage's folded tokens indexed once by position, so ranking ~40 candidates per question
reads each row's words and word pairs by look-up instead of re-walking its tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """Where each token stands in one or more token runs (a row's text, then its plan's name);
    no word pair or run spans two parts, as none spans the '|' that once joined them."""

    parts: tuple[Mapping[str, tuple[int, ...]], ...]  # token → positions (read only)

    @classmethod
    def of(cls, tokens: Sequence[str]) -> Evidence:
        """The evidence of one token run."""
        where: dict[str, list[int]] = {}
        for j, t in enumerate(tokens):
            where.setdefault(t, []).append(j)
        return cls(({t: tuple(js) for t, js in where.items()},))

    def plus(self, other: Evidence) -> Evidence:
        """This evidence followed by another (a row and its plan's name)."""
        return Evidence(self.parts + other.parts)

    def has(self, token: str) -> bool:
        """Whether a token occurs anywhere."""
        for part in self.parts:
            if token in part:
                return True
        return False

    def has_pair(self, first: str, second: str) -> bool:
        """Whether `first` is directly followed by `second` in one part."""
        for part in self.parts:
            after = part.get(second)
            if after:
                before = part.get(first)
                if before and any(j + 1 in after for j in before):
                    return True
        return False

    def words(self) -> set[str]:
        """Every distinct token."""
        return {t for part in self.parts for t in part}
