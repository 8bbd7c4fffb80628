"""Options and helpers shared by every `planbot` command module (kept apart from `bot.cli` so
the command modules never import the module that registers them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from retrieval.kb import KnowledgeBase, KnowledgeBaseMissing
from retrieval.service import KnowledgeService
from retrieval.store import KB_FILE

INDEX_ENV = "PLANBOT_INDEX_DIR"
CORPUS_ENV = "PLANBOT_CORPUS_DIR"
DEFAULT_INDEX_DIR = "indexes"
DEFAULT_CORPUS_DIR = "corpus"

F = TypeVar("F", bound=Callable[..., Any])


def index_dir_option(func: F) -> F:
    """`--index-dir` (env PLANBOT_INDEX_DIR, default `indexes`)."""
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=INDEX_ENV,
        default=DEFAULT_INDEX_DIR,
        show_default=True,
        help="Thư mục chứa cơ sở tri thức (kb.sqlite) và chỉ mục vectơ.",
    )(func)


def corpus_option(func: F) -> F:
    """`--corpus` (env PLANBOT_CORPUS_DIR, default `corpus`)."""
    return click.option(
        "--corpus",
        "corpus_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=CORPUS_ENV,
        default=DEFAULT_CORPUS_DIR,
        show_default=True,
        help="Thư mục văn bản kế hoạch (có manifest.json).",
    )(func)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a Vietnamese error to stderr and exit with `code` (no traceback for the user)."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)


def open_kb(index_dir: Path) -> KnowledgeService:
    """The knowledge service over `index_dir`, or a clear message to run `planbot index` first."""
    try:
        return KnowledgeService(KnowledgeBase(Path(index_dir) / KB_FILE))
    except KnowledgeBaseMissing as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 — a corrupt file must not print a traceback
        fail(f"Không mở được cơ sở tri thức {Path(index_dir) / KB_FILE}: {exc}")
