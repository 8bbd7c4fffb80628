"""Pure pieces of answering: candidate bars and scores, list periods and headings."""

from __future__ import annotations

from datetime import date

from bot.answer.lists import period_text
from bot.answer.policy import POLICY
from bot.answer.ranking import Candidate
from retrieval.deadlines import DueRange, parse_deadline
from retrieval.passages import Passage

PASSAGE = Passage("003:I.4 2", "003", "task", "Triển khai Hệ thống SOC")


def cand(cover: float, lex: int | None, dense: int | None, length: int = 100) -> Candidate:
    return Candidate(PASSAGE, cover, lex, dense, length)


def test_channel_agreement_lowers_the_bar_and_lexical_only_raises_it() -> None:
    relief, lexical_only = POLICY.agreement_relief, POLICY.lexical_only_coverage
    assert cand(0.34 - relief, 0, 0).passes(0.34)  # both channels rank it first
    assert not cand(0.34 - relief, 1, 2).passes(0.34)
    assert cand(0.34, 1, 2).passes(0.34)
    assert not cand(lexical_only - 0.01, 0, None).passes(0.34)  # the dense channel never saw it
    assert cand(lexical_only, 3, None).passes(0.34)
    skipped = cand(0.34, 0, None)
    skipped.dense_skipped = True  # not asked (lexical evidence decisive): the plain bar
    assert skipped.passes(0.34)
    off_topic = cand(0.9, 0, 0)
    off_topic.anchored = False  # misses a rare phrase of the question
    assert not off_topic.passes(0.34)


def test_unknown_words_count_unless_the_encoder_ranks_the_row_first() -> None:
    """A row missing the question's unknown words ("robot phẫu thuật") passes on its lenient
    coverage only when the dense channel put it first (the encoder read them as a paraphrase)."""
    bar = POLICY.min_record_coverage
    read = cand(bar + 0.2, 1, 0)
    read.strict = bar - 0.2
    assert read.passes(bar)
    unread = cand(bar + 0.2, 0, 2)
    unread.strict = bar - 0.2
    assert not unread.passes(bar)
    unread.strict = bar + 0.01
    assert unread.passes(bar)


def test_a_row_must_hold_enough_of_the_question_words() -> None:
    """High IDF coverage from one rare shared phrase is not enough when most words are missing."""
    rare_only = cand(0.9, 0, 0)
    rare_only.share = POLICY.min_word_share - 0.05
    assert not rare_only.passes(0.34)
    rare_only.share = POLICY.min_word_share
    assert rare_only.passes(0.34)


def test_score_prefers_high_ranks_short_passages_and_named_agencies() -> None:
    assert cand(0.5, 0, 0).score > cand(0.5, 5, 5).score
    assert cand(0.5, 0, 0, length=100).score > cand(0.5, 0, 0, length=4000).score
    boosted = cand(0.5, 3, 3)
    boosted.bonus = POLICY.agency_bonus
    assert boosted.score > cand(0.5, 3, 3).score


def test_period_text_reads_like_the_plans() -> None:
    assert period_text(parse_deadline("Quý II năm 2025")) == "Quý II/2025"
    assert period_text(parse_deadline("Năm 2025")) == "năm 2025"
    before = DueRange("trước 30/6/2025", None, date(2025, 6, 30), "before")
    assert period_text(before) == "trước ngày 30/6/2025"


def test_unknown_words_are_named_as_the_words_they_belong_to() -> None:
    """ "Các kế hoạch không dùng các từ: bác sĩ" — not the half-word "sĩ"."""
    from bot.answer.grounding import build_vocabulary, unknown_terms, unseen_words

    vocab = build_vocabulary(["Khám chữa bệnh từ xa cho bà con vùng cao", "Bác ái"])
    question = "Bác sĩ khám cho bà con vùng cao qua video call thì ai làm?"
    assert unseen_words(question, vocab) == ["sĩ", "video", "call"]
    assert unknown_terms(question, vocab)[0] == "Bác sĩ"
    assert "call" in " ".join(unknown_terms(question, vocab))


def test_word_share_reads_indexed_evidence_and_the_plan_name_at_a_weight() -> None:
    from bot.answer.evidence import Evidence
    from bot.answer.grounding import tokens, word_share

    row = Evidence.of(tokens("Trường học số tại các trường mầm non"))
    plan = Evidence.of(tokens("Kế hoạch triển khai chuyển đổi số"))
    question = "triển khai xe tự hành cho trường mầm non"  # trien khai xe hanh truong mam non
    assert word_share(question, row) == 3 / 7
    assert word_share(question, row, plan, 0.5) == (3 + 2 * 0.5) / 7
    assert word_share("", row) == 1.0
