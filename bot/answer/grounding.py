"""Is a question answerable from the corpus? Vocabulary, unknown places, evidence coverage."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from bot.answer.evidence import Evidence
from retrieval.deadlines import period_mentions
from retrieval.query_text import has_diacritics, segment
from retrieval.textnorm import fold, nfc

# Folded function words and question words: they carry no topic.
STOPWORDS = frozenset(
    """
    a ai bao bay gio nao nhieu cac cho chu cua co con cung da dang de den di do duoc gi ha hay
    hoac khi khong la lam len ma moi mot nay nen neu nhu nhung noi o phai qua ra roi sao se
    tai the thi trong tu va vao ve voi vi vay xong nua viec cu the dau ben dieu rang thuoc theo
    tren duoi hien hon it nhat sau truoc cung nhau minh toi ban anh chi em oi nhe a u
    gom lien quan nhiem vu ke hoach kh han ai chu tri phoi hop thoi gian hoan thanh don vi co quan
    so nganh nao may q quy nam giao lo dinh muon biet cho biet xin hoi vui long
    liet chot moc lau
    """.split()
)
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"[a-z0-9]+(?:[&./-][a-z0-9]+)*")
_TYPED_TOKEN = re.compile(r"[^\W_]+(?:[&./-][^\W_]+)*")  # _TOKEN's shape on text as typed
_PLACE_PREFIX = re.compile(
    r"\b(quan|huyen|xa|phuong|tinh|thi xa|thi tran|thanh pho|tp)\s+([a-z]+)\s+([a-z]+)"
)
_CAPITALISED_NAME = re.compile(r"(?<![\w])((?:[A-ZĐ][a-zà-ỹđ]+)(?:\s+[A-ZĐ][a-zà-ỹđ]+)+)")


def tokens(text: str) -> list[str]:
    """Folded tokens of a text (diacritics removed, lower case)."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


@lru_cache(maxsize=1024)
def _content_tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _tokens(text) if t not in STOPWORDS and len(t) > 1)


def content_tokens(text: str) -> list[str]:
    """Tokens that carry the topic of a question (stopwords and 1-letter tokens dropped)."""
    return list(_content_tokens(text))


def bigrams(toks: list[str]) -> list[str]:
    """Adjacent token pairs, the unit Vietnamese words are made of."""
    return [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def content_bigrams(text: str) -> list[str]:
    """Adjacent token pairs of the text in which neither token is a stopword."""
    return list(_content_bigrams(text))


@lru_cache(maxsize=1024)
def _content_bigrams(text: str) -> tuple[str, ...]:
    toks = _tokens(text)
    return tuple(
        f"{a} {b}"
        for a, b in zip(toks, toks[1:], strict=False)
        if a not in STOPWORDS and b not in STOPWORDS and len(a) > 1 and len(b) > 1
    )


@dataclass
class Vocabulary:
    """Document frequencies of folded tokens and bigrams over every passage of the corpus."""

    n_passages: int = 0
    token_df: Counter[str] = field(default_factory=Counter)
    bigram_df: Counter[str] = field(default_factory=Counter)
    text: str = ""  # all folded passages joined, for phrase look-ups
    accented: str = ""  # all passages lower-cased with diacritics kept ("đa năng" ≠ "đà nẵng")

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; a term never seen gets the highest value."""
        df = self.bigram_df[term] if " " in term else self.token_df[term]
        return math.log((self.n_passages + 1) / (df + 0.5))

    @cached_property
    def accented_words(self) -> frozenset[str]:
        """Every word of the corpus, lower case with diacritics."""
        return frozenset(self.accented.split())

    @cached_property
    def places(self) -> dict[str, tuple[str, bool, bool]]:
        """Province → (folded key, named with diacritics in the corpus, folded phrase in it)."""
        out: dict[str, tuple[str, bool, bool]] = {}
        for place in provinces():
            key = " ".join(_tokens(place))
            out[place] = (key, f" {place} " in self.accented, self.has_phrase(key))
        return out

    def has_phrase(self, folded_phrase: str) -> bool:
        """Whether the folded phrase occurs anywhere in the corpus."""
        return bool(folded_phrase) and f" {folded_phrase} " in self.text


def build_vocabulary(passages: Iterable[str]) -> Vocabulary:
    """Count tokens and bigrams over the corpus passages (clauses and records)."""
    vocab = Vocabulary()
    joined: list[str] = []
    accented: list[str] = []
    for passage in passages:
        accented.append(" ".join(_WORD.findall(nfc(passage).lower())))
        toks = tokens(passage)
        vocab.n_passages += 1
        vocab.token_df.update(set(toks))
        vocab.bigram_df.update(set(bigrams(toks)))
        joined.append(" ".join(toks))
    vocab.text = " " + " | ".join(joined) + " "
    vocab.accented = " " + " | ".join(accented) + " "
    return vocab


# First words of names that are generic ("Sở Tài chính", "Huyện Ứng Hòa"): the rest is the name.
_GENERIC_FIRST = frozenset(
    "sở ban cục tỉnh thành huyện quận xã phường thị kế tổ ủy công báo đài bộ chi phòng trường"
    " bệnh viện ngân khu hội trung văn thanh hệ mô nền cổng chương đề quyết nghị tp ubnd".split()
)
_PLACE_WORDS = r"thành phố|tp\.?|tỉnh|quận|huyện|xã|phường|thị xã|thị trấn"
_ACCENTED_PLACE = re.compile(
    rf"(?<!\w)((?i:{_PLACE_WORDS}))\s+((?:[A-ZĐ][\wà-ỹđ]*)(?:\s+[A-ZĐ][\wà-ỹđ]*){{0,2}})"
)
_PLACE_WORDS_ACCENTED = "thành phố|tỉnh|quận|huyện|xã|phường|thị xã|thị trấn"


_FOLDED_PLACE_NAME = re.compile(
    r"\b(?:thanh pho|tp|tinh|quan|huyen|thi xa|xa|phuong|thi tran)\s+([a-z0-9]+(?: [a-z0-9]+){0,2})"
)


def printed_places(text: str) -> set[str]:
    """Folded names printed after a place word in a plan's text ("huyện Bảo Lâm" → "bao lam"):
    the places a plan covers below its own province or city."""
    return {" ".join(_tokens(name)) for _, name in _ACCENTED_PLACE.findall(nfc(text))}


def named_places(folded_question: str, places: Container[str]) -> list[str]:
    """Which of these folded place names the question names after a place word (the longest
    of one to three words that is one)."""
    out: list[str] = []
    for m in _FOLDED_PLACE_NAME.finditer(folded_question):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if name in places:
                out.append(name)
                break
    return out


_PROVINCES = Path(__file__).parent / "data" / "provinces.txt"


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """Vietnamese provinces and cities, lower case with diacritics."""
    lines = _PROVINCES.read_text(encoding="utf-8").splitlines()
    return tuple(_accented(x) for x in lines if x.strip() and not x.startswith("#"))


def _accented(text: str) -> str:
    return " ".join(_WORD.findall(nfc(text).lower()))


def _known_place(name: str, vocab: Vocabulary) -> bool:
    """The corpus names this place: the name shortly after a place word ("quận, huyện: Hoàn
    Kiếm"), not merely the same words elsewhere ("Chủ tịch Hồ Chí Minh")."""
    words = name.split()[:2]
    if not words:
        return True
    phrase = " ".join(words)
    if phrase not in vocab.accented:  # the scan below (≈ 15 ms) needs the words as they are
        return False
    pattern = rf"\b(?:{_PLACE_WORDS_ACCENTED})\b[^|]{{0,40}}?\b{re.escape(phrase)}\b"
    return re.search(pattern, vocab.accented) is not None


def unknown_places(question: str, vocab: Vocabulary) -> list[str]:
    """Place or proper names in the question that the corpus never mentions (e.g. "Đà Nẵng")."""
    unknown: list[str] = []
    for name in _CAPITALISED_NAME.findall(question):
        words = name.split()
        if len(words) < 2:
            continue
        full = _accented(name)
        if f" {full} " in vocab.accented:
            continue
        tail = _accented(" ".join(words[1:]))
        if words[0].lower() in _GENERIC_FIRST and f" {tail} " in vocab.accented:
            continue
        # Capitals alone prove nothing ("Việc Triển khai …" pasted from a cell): a name is a
        # place elsewhere when it is a province, or has a word the corpus never uses.
        is_province = any(f" {p} " in f" {full} " for p in provinces())
        if not is_province and vocab.has_phrase(" ".join(_tokens(name))):
            continue  # a known name typed with other diacritics ("Cổ Loa" for "Cố Loa")
        new_word = any(_accented(w) not in vocab.accented_words for w in words)
        if is_province or new_word:
            unknown.append(name)
    folded_q = f" {' '.join(_tokens(question))} "
    for place, (key, named, as_words) in vocab.places.items():
        if named or f" {key} " not in folded_q:
            continue  # a place the plans name, or not in the question
        # "da nang" may be "đa năng": a name the corpus has as words is a place after "của/ở/tại"
        if not as_words or re.search(
            rf"\b(?:cua|o|tai|tinh|thanh pho|tp)\s+{re.escape(key)}\b", folded_q
        ):
            if not any(fold(u).endswith(key) for u in unknown):
                unknown.append(place.title())
    for prefix, name in _ACCENTED_PLACE.findall(question):
        if not name[:1].isupper():
            continue
        prefix = "thành phố" if prefix.lower().startswith("tp") else prefix.lower()
        if not _known_place(_accented(name), vocab) and name not in unknown:
            unknown.append(f"{prefix} {name}")
    if has_diacritics(question):
        return unknown  # typed with diacritics: the capitalised-name checks above apply
    folded = fold(question).replace("tp ", "thanh pho ")
    for prefix, first, second in _PLACE_PREFIX.findall(folded):
        if first in STOPWORDS or second in STOPWORDS:
            continue
        if not vocab.has_phrase(f"{prefix} {first} {second}") and not vocab.has_phrase(
            f"{first} {second}"
        ):
            unknown.append(f"{prefix} {first} {second}")
    return unknown


def coverage(
    question: str,
    evidence: str | list[str] | Evidence,
    vocab: Vocabulary,
    unseen_weight: float = 1.0,
    unseen_phrase_weight: float = 0.0,
    damped: frozenset[str] = frozenset(),
    damping: float = 1.0,
) -> float:
    """IDF-weighted share of the question's content terms (tokens and corpus phrases) in the
    evidence (text, its precomputed `tokens` or `Evidence`); a word the corpus never uses (a
    paraphrase, a typo) weighs `unseen_weight` of its IDF, so one unknown word cannot sink a good
    match. Terms in `damped` (words of a named plan's title) weigh `damping` of their weight."""
    terms = question_terms(question, vocab, unseen_weight, unseen_phrase_weight, damped, damping)
    if not isinstance(evidence, Evidence):
        evidence = Evidence.of(tokens(evidence) if isinstance(evidence, str) else evidence)
    return terms.share_in(evidence)


@dataclass(frozen=True)
class QuestionTerms:
    """A question's content terms with their weights, read once and matched against many rows."""

    terms: tuple[tuple[str, float, tuple[str, str] | None], ...]  # (term, weight, its pair)
    total: float

    def share_in(self, evidence: Evidence) -> float:
        """Share of the total weight the evidence holds (see `coverage`)."""
        if not self.terms or self.total <= 0:
            return 0.0
        return evidence.held_weight(self.terms) / self.total  # summed in question order


def question_terms(
    question: str,
    vocab: Vocabulary,
    unseen_weight: float = 1.0,
    unseen_phrase_weight: float = 0.0,
    damped: frozenset[str] = frozenset(),
    damping: float = 1.0,
) -> QuestionTerms:
    """The terms `coverage` weighs, with their weights (arguments as there)."""
    q_tokens = content_tokens(question)
    if not q_tokens:
        return QuestionTerms((), 0.0)
    terms = list(q_tokens)
    # Bigrams never seen in the corpus are mostly pairs straddling two words ("cầu công"):
    # they would only dilute the score, so only corpus phrases count.
    # A pair of known words the corpus never puts together ("điện toán đám mây" is in it, "chuỗi
    # khối" is not) may name a topic the plans lack: it counts with `unseen_phrase_weight`.
    terms += [
        b for b in content_bigrams(question) if vocab.bigram_df[b] > 0 or unseen_phrase_weight > 0
    ]

    def weight(term: str) -> float:
        idf = vocab.idf(term) * (damping if term in damped else 1.0)
        if " " in term:
            if vocab.bigram_df[term] > 0:
                return idf
            if any(vocab.token_df[t] == 0 for t in term.split()):
                return idf * unseen_weight  # a pair with a word the corpus never uses
            return idf * unseen_phrase_weight
        return idf * unseen_weight if vocab.token_df[term] == 0 else idf

    weighted = tuple((t, weight(t), _pair(t)) for t in terms)
    return QuestionTerms(weighted, sum(w for _, w, _ in weighted))


def _pair(term: str) -> tuple[str, str] | None:
    """A word pair's two words (None for a single word)."""
    first, _, second = term.partition(" ")
    return (first, second) if second else None


def word_share(
    question: str,
    evidence: Container[str],
    context: Container[str] = (),
    context_weight: float = 0.5,
) -> float:
    """Unweighted share of the question's topic words (content tokens) the evidence holds: a
    completeness check beside the IDF-weighted `coverage`, where one rare phrase both share
    ("trường mầm non") can outweigh the thing asked about ("xe tự hành"). A word only the
    `context` holds (the plan's name: every row of the plan is about it) counts
    `context_weight` of a word the row holds. Evidence and context are token containers (a
    row's indexed `Evidence`, a set): read by look-up, nothing rebuilt per row."""
    q_tokens = content_tokens(question)
    if not q_tokens:
        return 1.0
    return sum(
        1.0 if t in evidence else context_weight if t in context else 0.0 for t in q_tokens
    ) / len(q_tokens)


def unseen_words(question: str, vocab: Vocabulary) -> list[str]:
    """Words of the question, as typed, that the corpus never uses (never folded forms).

    Words joined by & . / - ("TT&TT") are judged as the index tokenises them: known when the
    joined form is known, else unseen when one of their parts is."""
    out: list[str] = []
    for word in _TYPED_TOKEN.findall(nfc(question)):
        if vocab.token_df[fold(word)] > 0:
            continue
        parts = [p for p in _WORD.findall(word) if _unseen_part(fold(p), vocab)]
        if parts and word not in out:
            out.append(word)
    return out


def unknown_terms(question: str, vocab: Vocabulary) -> list[str]:
    """`unseen_words` shown as the words they belong to (pyvi's segmentation: "bác sĩ", not
    "sĩ"), for telling the official which of their words the plans never use."""
    unseen = unseen_words(question, vocab)
    if not unseen:
        return []
    out: list[str] = []
    for word in segment(nfc(question)).split():
        shown = word.replace("_", " ")
        if any(u in shown.split() for u in unseen) and shown not in out:
            out.append(shown)
    return out or unseen


def _unseen_part(key: str, vocab: Vocabulary) -> bool:
    """A plain word worth naming as unknown: not a stopword, number or single letter."""
    return not (key in STOPWORDS or len(key) < 2 or key.isdigit() or vocab.token_df[key] > 0)


_MONEY_QUESTION = re.compile(
    r"\bbao nhieu tien\b|\bkinh phi\b|\bchi phi\b|\bmuc ho tro\b|\bphu cap\b|\bmuc chi\b"
    r"|\bngan sach\b|\bbao nhieu (?:trieu|ty|nghin) dong\b"
)
_MONEY_EVIDENCE = re.compile(r"\d[\d.,]*\s*(?:dong|trieu|ty|nghin|vnd|usd)\b")
_PERCENT_QUESTION = re.compile(
    r"\bbao nhieu\s*(?:phan tram|%)|\bphan tram\b|\bbao nhieu\b.*%"
    r"|\bty (?:le|trong)\b.*\b(?:bao nhieu|muc nao|the nao)\b"
)


def quantity_unsupported(question: str, evidence: list[str]) -> bool:
    """A question asking an amount of money or a percentage needs one in the evidence."""
    folded = fold(question)
    text = fold(" ".join(evidence))
    if _MONEY_QUESTION.search(folded) and re.search(r"\bbao nhieu\b|\bmuc\b|\bla\b", folded):
        if not _MONEY_EVIDENCE.search(text):
            return True
    if _PERCENT_QUESTION.search(folded) and "%" not in text:
        return True
    return False


_DATE_QUESTION = re.compile(
    r"\b(?:truoc|den|vao) ngay nao\b|\bngay nao\b|\bthang nao\b|\bnam nao\b|\bhan chot\b"
)


def date_unsupported(question: str, evidence: list[str]) -> bool:
    """A question asking for a date needs a date, year or quarter in the evidence."""
    if not _DATE_QUESTION.search(fold(question)):
        return False
    return not any(m.period.due_by for m in period_mentions(" ".join(evidence)))


def rare_phrases(question: str, vocab: Vocabulary, max_share: float) -> list[str]:
    """The question's specific corpus phrases (content word pairs found in at most `max_share`
    of the passages): a row about the same topic holds them all."""
    if max_share <= 0:
        return []
    limit = max_share * max(1, vocab.n_passages)
    return [b for b in content_bigrams(question) if 0 < vocab.bigram_df[b] <= limit]
