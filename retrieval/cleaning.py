"""Clean text extracted from PDF/DOCX: drop HTML fragments, join split lines, squeeze spaces."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def strip_html(text: str) -> str:
    """Remove HTML tags (`<p>`, `<i>`, `<ul …>`) and unescape entities; keep the words."""
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def clean_text(text: str) -> str:
    """NFC, tags removed, runs of whitespace (including newlines) collapsed to one space."""
    text = unicodedata.normalize("NFC", strip_html(text))
    text = text.replace("\n", " ")
    return _SPACES.sub(" ", text).strip()


def join_parts(parts: list[str]) -> str:
    """Join the pieces of one cell continued across lines or pages into one clean string."""
    return clean_text(" ".join(p for p in parts if p and p.strip()))


def quote_form(text: str) -> str:
    """The form citation quotes are checked in: tags removed, whitespace collapsed."""
    return clean_text(text)
