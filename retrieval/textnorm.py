"""Text normalisation for matching: NFC, case-fold, diacritic-free fold (đ→d), loose name keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"[0-9a-z]+(?:&[0-9a-z]+)*")
_PUNCT = re.compile(r"[^0-9a-z&\s]+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(s: str | None) -> str:
    """Unicode NFC form (Vietnamese text arrives both composed and decomposed)."""
    if not s:
        return ""
    return unicodedata.normalize("NFC", str(s))


def collapse_ws(s: str | None) -> str:
    """Collapse runs of whitespace (incl. newlines, NBSP) to one space and strip."""
    return _WS.sub(" ", nfc(s).replace("\u00a0", " ")).strip()


def strip_diacritics(s: str | None) -> str:
    """Remove Vietnamese diacritics keeping case; đ/Đ become d/D."""
    text = nfc(s).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# Folding is pure and the same strings come back on every request (agency names, words of the
# question, plan titles): a cache removed a sixth of a busy server's Python time.
@lru_cache(maxsize=32768)
def fold(s: str | None) -> str:
    """NFC → case-fold → no diacritics (đ→d) → collapsed whitespace: the matching/FTS form."""
    text = nfc(s).casefold().translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _WS.sub(" ", bare).strip()


def fold_tokens(s: str | None) -> list[str]:
    """Folded word tokens (letters/digits; `tt&tt` kept as one token)."""
    return _TOKEN.findall(fold(s))


@lru_cache(maxsize=32768)
def loose_key(s: str | None) -> str:
    """Folded, punctuation-insensitive key: 'Sở Lao động, Thương binh & Xã hội' ~ '… thương binh xa hoi'."""
    text = fold(s).replace("–", " ").replace("-", " ")
    text = _PUNCT.sub(" ", text)
    return _WS.sub(" ", text).strip()


def names_equal(a: str | None, b: str | None) -> bool:
    """True when two names differ only by case, diacritics, punctuation or spacing."""
    ka, kb = loose_key(a), loose_key(b)
    return bool(ka) and ka == kb


def contains_phrase(haystack: str | None, needle: str | None) -> bool:
    """True when `needle` occurs in `haystack` on token boundaries (both loosely folded)."""
    h, n = loose_key(haystack), loose_key(needle)
    if not n:
        return False
    return f" {n} " in f" {h} "
