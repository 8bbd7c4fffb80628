"""Make untrusted chat text safe to process and store (no lone surrogates, no NUL)."""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """`text` with lone surrogate code points (valid in JSON escapes, invalid in UTF-8) and NUL
    characters replaced, so tokenisers and UTF-8 storage never fail on them."""
    if text.isascii():
        return text.replace("\x00", REPLACEMENT) if "\x00" in text else text
    return _SURROGATES.sub(REPLACEMENT, text).replace("\x00", REPLACEMENT)
