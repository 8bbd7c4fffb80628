"""Query preparation: abbreviation expansion (retrieval.abbreviations), diacritic detection, pyvi
accent restoration."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

# re-exported: older callers import the table and the expander from here
from retrieval.abbreviations import abbreviations as abbreviations
from retrieval.abbreviations import expand_abbreviations as expand_abbreviations
from retrieval.abbreviations import replace_abbreviations
from retrieval.deadlines import parse_deadline, period_mentions, period_phrase
from retrieval.textnorm import fold, nfc

_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
_VOWELS = set("aeiouy")
# Work bounds for accent restoration (pyvi's CRF cost grows with word length and word count):
# no Vietnamese syllable is longer than 7 letters, and a question is rarely over 40 words.
MAX_RESTORE_WORD = 12  # longer "words" are kept as typed
MAX_RESTORE_WORDS = 60  # words after these are kept as typed
# What the search channels see at most (the encoder's cost grows with the token count, and a
# 900-letter "word" is hundreds of sub-word tokens): longer words and further words are dropped.
MAX_QUERY_WORD = 40
MAX_QUERY_WORDS = 80
# Words of a question's topic the encoder reads (its cost is ≈ 1 ms per token; the lexical
# channel and the reranker read every word).
MAX_ENCODER_WORDS = int(os.environ.get("PLANBOT_ENCODER_WORDS") or 24)
# Question words officials type; plans rarely contain them, and pyvi alone gets some wrong.
QUESTION_PHRASES = (
    "ai",
    "gì",
    "nào",
    "đâu",
    "bao nhiêu",
    "bao giờ",
    "khi nào",
    "thế nào",
    "ra sao",
    "như thế nào",
    "ở đâu",
    "đơn vị nào",
    "cơ quan nào",
    "sở nào",
    "hạn chót",
    "chủ trì",
    "phối hợp",
)
# Words that ask for a field of a row rather than name its topic; every row carries them, so the
# encoder gains nothing from reading them (and each costs ≈ 1 ms of encoding).
FIELD_PHRASES = (
    "thời gian hoàn thành",
    "thời hạn",
    "lãnh đạo chỉ đạo",
    "đơn vị chủ trì",
    "cơ quan chủ trì",
    "đơn vị phối hợp",
    "cơ quan phối hợp",
    "cho biết",
    "cho tôi biết",
    "hãy",
    "xin",
    "vậy",
    "nhỉ",
    "ạ",
)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese diacritic (or is đ)."""
    for ch in unicodedata.normalize("NFD", text):
        if ch in "đĐ" or unicodedata.category(ch) == "Mn":
            return True
    return False


_ANY_YEAR = 2000  # stands in for a missing year while naming a year-less period


@lru_cache(maxsize=1024)  # pure; a question's text is normalised for each channel
def normalize_periods(text: str) -> str:
    """Q4/2025, quy 4 2025 → 'quý IV năm 2025'; T12/2025 → 'tháng 12 năm 2025' (the period
    grammar of retrieval/deadlines.py; text whose folded form has other offsets is kept)."""
    text = nfc(text)
    folded = fold(text)
    if len(folded) != len(text):
        return text
    out: list[str] = []
    last = 0
    for mention in period_mentions(text, plan_year=_ANY_YEAR):
        raw = folded[mention.start : mention.end]
        phrase = period_phrase(parse_deadline(raw, plan_year=_ANY_YEAR))
        if phrase is not None and not re.search(r"\d{4}", raw):
            phrase = phrase.replace(f" năm {_ANY_YEAR}", "")  # "trong Q1" → "trong quý I"
        if phrase is None or raw.isdigit() or raw.startswith("nam "):
            continue  # a bare year reads the same either way
        if not re.search(r"[a-z]", raw):  # "12/2025": keep dates that are only numbers
            continue
        out.append(text[last : mention.start])
        out.append(phrase)
        last = mention.end
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=1)
def _scaffold_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Question and field phrases, as typed (accented) and folded (multi-word ones and "ai")."""
    phrases = sorted({*QUESTION_PHRASES, *FIELD_PHRASES}, key=len, reverse=True)
    accented = "|".join(re.escape(p) for p in phrases)
    bare = sorted({fold(p) for p in phrases if " " in p or p == "ai"}, key=len, reverse=True)
    folded = "|".join(re.escape(p) for p in bare)
    return (
        re.compile(rf"(?<![^\W_])(?:{accented})(?![^\W_])", re.IGNORECASE),
        re.compile(rf"(?<![^\W_])(?:{folded})(?![^\W_])", re.IGNORECASE),
    )


def topic_text(text: str) -> str:
    """What the encoder reads of a question: its topic, without the words that only ask
    (who, when, which unit, lead/coordinating); the text itself when nothing else is left."""
    accented, folded = _scaffold_patterns()
    pattern = accented if has_diacritics(text) else folded
    kept = pattern.sub(" ", nfc(text))
    kept = re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"\s+", " ", kept)).strip(" ,.;:?!-")
    topic = kept if _WORD.search(kept) else text
    return " ".join(topic.split()[:MAX_ENCODER_WORDS])


def expand_query(text: str, keep: Callable[[str], bool] | None = None) -> str:
    """Period normalisation then abbreviation expansion."""
    return expand_abbreviations(normalize_periods(text), keep)


def looks_unaccented(text: str) -> bool:
    """True for text typed without diacritics that has Vietnamese-looking words to restore."""
    if has_diacritics(text):
        return False
    words = [w for w in _WORD.findall(text) if w.isalpha()]
    return any(set(w.lower()) & _VOWELS for w in words)


@lru_cache(maxsize=1)
def _pyvi_utils():  # pragma: no cover - import shim
    from pyvi import ViUtils

    return ViUtils


@lru_cache(maxsize=1)
def _pyvi_tokenizer():  # pragma: no cover - import shim
    from pyvi import ViTokenizer

    return ViTokenizer


def preload() -> None:
    """Load pyvi now (≈ 1 s of imports and models), not during the first unaccented question."""
    restore_accents("khoi dong")
    segment("khởi động")


def bounded_words(text: str) -> tuple[list[str], list[bool]]:
    """The words of `text` and, for each, whether restoration may touch it (short enough and
    among the first MAX_RESTORE_WORDS): the bound on per-question work."""
    words = text.split()
    ok = [len(w) <= MAX_RESTORE_WORD and i < MAX_RESTORE_WORDS for i, w in enumerate(words)]
    return words, ok


def restore_accents(text: str) -> str:
    """Guess diacritics for a query typed without them (pyvi CRF); other text is returned as is.
    Only bounded words go to pyvi, so a 1,000-letter "word" costs no more than a short one."""
    if not looks_unaccented(text):
        return text
    words, ok = bounded_words(text)
    if not all(ok):
        head = [w for w, keep in zip(words, ok, strict=True) if keep]
        guessed = iter(restore_accents(" ".join(head)).split() if head else [])
        restored_words = [
            next(guessed, w) if keep else w for w, keep in zip(words, ok, strict=True)
        ]
        return " ".join(restored_words)
    try:
        restored = _pyvi_utils().add_accents(text)
    except (KeyError, ValueError, IndexError):  # pyvi fails on some letter sequences
        return text
    if isinstance(restored, bytes):
        restored = restored.decode("utf-8", "replace")
    # pyvi may change case or spacing; keep its letters only when it kept the word count
    if len(restored.split()) != len(text.split()):
        return text
    return " ".join(_merge_word(o, r) for o, r in zip(text.split(), restored.split(), strict=True))


def _merge_word(original: str, restored: str) -> str:
    """Keep acronyms (SOC, UBND) as typed; otherwise take pyvi's accents in the user's case."""
    if fold(original) != fold(restored):
        return original
    if original.isupper() and len(original) > 1:
        return original
    return restored.lower() if original.islower() else restored


class AccentRestorer:
    """Restores accents from the corpus's own phrases (folded n-gram → most frequent form), pyvi for the rest."""

    def __init__(
        self, phrases: dict[str, str], words: dict[str, tuple[str, ...]], max_n: int = 3
    ) -> None:
        self.phrases = phrases  # folded 2..max_n-gram → most frequent accented form
        self.words = words  # folded word → every form seen, most frequent first
        self.max_n = max_n

    @classmethod
    def from_texts(cls, texts: Iterable[str], max_n: int = 3) -> AccentRestorer:
        """Count every 1..max_n word sequence of the corpus by its folded key."""
        counts: Counter[tuple[str, str]] = Counter()
        folded: dict[str, str] = {}
        for text in texts:
            tokens = [w.lower() for w in _WORD.findall(text)]
            keys = [folded.get(w) or folded.setdefault(w, fold(w)) for w in tokens]
            for n in range(1, max_n + 1):
                for i in range(len(tokens) - n + 1):
                    counts[(" ".join(keys[i : i + n]), " ".join(tokens[i : i + n]))] += 1
        ranked: dict[str, list[str]] = {}
        for (key, form), _ in counts.most_common():
            ranked.setdefault(key, []).append(form)
        phrases = {k: forms[0] for k, forms in ranked.items() if " " in k}
        words = {k: tuple(forms) for k, forms in ranked.items() if " " not in k}
        for phrase in QUESTION_PHRASES:
            if " " in phrase:
                phrases.setdefault(fold(phrase), phrase)
            else:
                words.setdefault(fold(phrase), (phrase,))
        return cls(phrases, words, max_n)

    def restore(self, text: str) -> str:
        """Accent an unaccented query: longest corpus phrase first, then pyvi, else as typed."""
        if not looks_unaccented(text):
            return text
        tokens = text.split()
        guess = restore_accents(text).split()
        if len(guess) != len(tokens):
            guess = tokens[:]
        out = list(guess)
        bare = [" ".join(_WORD.findall(fold(t))) for t in tokens]
        plain = [bool(b) and " " not in b for b in bare]
        i = 0
        while i < len(tokens):
            step = 1
            for n in range(min(self.max_n, len(tokens) - i), 1, -1):
                if not all(plain[i : i + n]):
                    continue
                form = self.phrases.get(" ".join(bare[i : i + n]))
                if form is not None:
                    for j, word in enumerate(form.split()):
                        out[i + j] = _apply(tokens[i + j], word)
                    step = n
                    break
            else:
                forms = self.words.get(bare[i]) if plain[i] else None
                guessed = " ".join(_WORD.findall(guess[i].lower()))
                if forms and guessed not in forms:  # pyvi's guess never occurs in the corpus
                    out[i] = _apply(tokens[i], forms[0])
            i += step
        return " ".join(out)


def _apply(typed: str, word: str) -> str:
    """Put the accented `word` in place of the letters of `typed`, keeping punctuation and acronyms."""
    if typed.isupper() and len(typed) > 1:
        return typed
    match = _WORD.search(typed)
    if match is None or fold(match.group(0)) != fold(word):
        return typed
    return typed[: match.start()] + word + typed[match.end() :]


def segment(text: str) -> str:
    """pyvi word segmentation: compounds joined by '_' ('chuyển_đổi số')."""
    if not text.strip():
        return ""
    return _pyvi_tokenizer().tokenize(text)


def bound_query(text: str) -> str:
    """The words a search may use: none longer than MAX_QUERY_WORD, at most MAX_QUERY_WORDS."""
    words = [w for w in text.split() if len(w) <= MAX_QUERY_WORD]
    return " ".join(words[:MAX_QUERY_WORDS])


@dataclass(frozen=True)
class PreparedQuery:
    """The forms of one user query each search channel uses; the dense channel's form (accents
    restored by pyvi, ≈ 5 ms) is made when first read, so a search that skips the encoder
    never pays for it."""

    original: str
    lexical_text: str  # periods normalised; abbreviations expanded unless `lexical_keep` vetoed
    restore: bool = True  # restore accents for the dense channel
    restorer: AccentRestorer | None = field(default=None, repr=False, compare=False)

    @cached_property
    def expanded(self) -> str:
        """Periods normalised, every abbreviation expanded (diagnostics and benchmarks)."""
        return expand_query(self.original)

    @cached_property
    def _dense(self) -> tuple[str, bool]:
        if not self.restore:
            dense_base = self.original
        elif self.restorer is not None:
            dense_base = self.restorer.restore(self.original)
        else:
            dense_base = restore_accents(self.original)
        dense_text = topic_text(replace_abbreviations(normalize_periods(dense_base)))
        return dense_text, dense_base != self.original

    @property
    def dense_text(self) -> str:
        """Accents restored, abbreviations spelt out, question words dropped (the encoder's)."""
        return self._dense[0]

    @property
    def accents_restored(self) -> bool:
        """Whether accent restoration changed the query."""
        return self._dense[1]


def prepare_query(
    text: str,
    restore: bool = True,
    lexical_keep: Callable[[str], bool] | None = None,
    restorer: AccentRestorer | None = None,
) -> PreparedQuery:
    """All query forms: expansion for both channels, accent restoration for dense only.

    `lexical_keep` lets the lexical side skip expansions of abbreviations its index already
    contains (the full form's common words would only dilute BM25)."""
    original = bound_query(text)
    lexical_text = expand_query(original, lexical_keep)
    return PreparedQuery(original, lexical_text, restore, restorer)
