"""What the dense encoder reads: a passage's own words plus its shared context, embedded once.

Headings, sections, lead agencies and products repeat over many passages; embedding them inside
every passage cost a fifth of the build. Each distinct text is embedded once and a passage's
vector is its body's vector plus `CONTEXT_WEIGHT` times each context's, normalised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.embeddings import normalize_rows
from retrieval.passages import Passage

# The encoder reads a passage's first words only: the 48 longest texts of the bundled corpus
# (> 128 tokens) took a quarter of the cold build's embedding time, attention growing with the
# square of the length, and their topic is stated first; the lexical index reads every word.
MAX_DENSE_WORDS = 120
CONTEXT_WEIGHT_VAR = "PLANBOT_CONTEXT_WEIGHT"
CONTEXT_WEIGHT = 0.3  # chosen on the generated questions (docs/retrieval.md), checked on held-out


def context_weight() -> float:
    """The weight of each context vector: PLANBOT_CONTEXT_WEIGHT, else `CONTEXT_WEIGHT`."""
    value = os.environ.get(CONTEXT_WEIGHT_VAR, "")
    try:
        return float(value) if value else CONTEXT_WEIGHT
    except ValueError:
        return CONTEXT_WEIGHT


def encoder_text(text: str) -> str:
    """The part of a text the encoder reads: its first MAX_DENSE_WORDS words."""
    words = text.split()
    return text if len(words) <= MAX_DENSE_WORDS else " ".join(words[:MAX_DENSE_WORDS])


def dense_texts(passages: Sequence[Passage]) -> list[str]:
    """Every distinct text the encoder must read for `passages` (bodies first, stable order)."""
    bodies = [encoder_text(p.body or p.text) for p in passages]
    contexts = [encoder_text(c) for p in passages for c in p.context]
    return list(dict.fromkeys([*bodies, *contexts]))


def compose_vectors(
    passages: Sequence[Passage],
    embed: Callable[[list[str]], np.ndarray],
    weight: float | None = None,
) -> np.ndarray:
    """One unit vector per passage: body + weight × each context (each text embedded once)."""
    texts = dense_texts(passages)
    if not passages:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    row = {text: i for i, text in enumerate(texts)}
    w = context_weight() if weight is None else weight
    out = np.zeros((len(passages), vectors.shape[1]), dtype=np.float32)
    for i, p in enumerate(passages):
        out[i] = vectors[row[encoder_text(p.body or p.text)]]
        for c in p.context:
            out[i] += w * vectors[row[encoder_text(c)]]
    return normalize_rows(out)
