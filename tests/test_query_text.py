"""Query preparation: abbreviations, periods, diacritic detection, accent restoration."""

from __future__ import annotations

import pytest

from bot.answer.vocabulary import plain_question
from retrieval.abbreviations import replace_abbreviations
from retrieval.query_text import (
    AccentRestorer,
    abbreviations,
    expand_abbreviations,
    expand_query,
    has_diacritics,
    looks_unaccented,
    normalize_periods,
    prepare_query,
    restore_accents,
    segment,
    topic_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tỷ lệ DVCTT", "Tỷ lệ DVCTT (dịch vụ công trực tuyến)"),
        ("CSDL dân cư", "CSDL (cơ sở dữ liệu) dân cư"),
        ("TTHC cấp huyện", "TTHC (thủ tục hành chính) cấp huyện"),
        ("bảo đảm ATTT", "bảo đảm ATTT (an toàn thông tin)"),
        ("mô hình CĐS", "mô hình CĐS (chuyển đổi số)"),
        ("mo hinh cds", "mo hinh cds (chuyển đổi số)"),
        ("ứng dụng CNTT", "ứng dụng CNTT (công nghệ thông tin)"),
        ("HTTT quy hoạch", "HTTT (hệ thống thông tin) quy hoạch"),
        ("KH 402", "KH (kế hoạch) 402"),
        ("của TP", "của TP (thành phố)"),
        ("UBND quận", "UBND (ủy ban nhân dân) quận"),
        ("Sở TT&TT chủ trì", "Sở TT&TT (Thông tin và Truyền thông) chủ trì"),
    ],
)
def test_abbreviations_expand(text: str, expected: str) -> None:
    assert expand_abbreviations(text) == expected


def test_words_that_are_not_abbreviations_stay() -> None:
    text = "ai chủ trì hệ thống khi nào"
    assert expand_abbreviations(text) == text
    assert expand_abbreviations("DVCTT", keep=lambda key: key != "dvctt") == "DVCTT"
    assert all(k == k.lower() for k in abbreviations())


def test_one_expander_for_search_and_answers() -> None:
    """Search and answering expand alike: joined abbreviations typed with any separators, "AI"
    (artificial intelligence) but never "ai" (who)."""
    for typed in ("Sở LĐ-TB&XH", "Sở LĐTB&XH", "Sở LĐTBXH"):
        assert "Thương binh và Xã hội" in expand_abbreviations(typed), typed
        assert "Thương binh và Xã hội" in plain_question(typed).plain, typed
    assert "trí tuệ nhân tạo" in expand_abbreviations("ứng dụng AI trong y tế")
    assert expand_abbreviations("ai chủ trì") == "ai chủ trì"
    assert expand_abbreviations("KH-UBND") == "KH (kế hoạch)-UBND (ủy ban nhân dân)"
    # letters of a document symbol name its issuer and kind, not what they abbreviate
    for symbol in ("Kế hoạch 402/KH-UBND", "Quyết định 176/QĐ-UBND", "Nghị quyết 06-NQ/TU"):
        assert expand_abbreviations(symbol) == symbol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xong trước Q4/2025", "xong trước quý IV năm 2025"),
        ("q2-2026", "quý II năm 2026"),
        ("quy 3 nam 2024", "quý III năm 2024"),
        ("Quý IV năm 2025", "quý IV năm 2025"),
        ("trong Q1", "trong quý I"),
        ("hạn T12/2025", "hạn tháng 12 năm 2025"),
        ("quy định quy trình", "quy định quy trình"),
    ],
)
def test_periods(text: str, expected: str) -> None:
    assert normalize_periods(text) == expected


def test_expand_query_combines_both() -> None:
    assert expand_query("Sở TT&TT xong Q4/2025?") == (
        "Sở TT&TT (Thông tin và Truyền thông) xong quý IV năm 2025?"
    )


def test_diacritic_detection() -> None:
    assert has_diacritics("chủ trì") and has_diacritics("Đà Nẵng") and has_diacritics("đ")
    assert not has_diacritics("ai chu tri he thong soc")
    assert looks_unaccented("ai chu tri") and not looks_unaccented("ai chủ trì")
    assert not looks_unaccented("402 2025 ?!") and not looks_unaccented("")


def test_pyvi_accent_restoration() -> None:
    restored = restore_accents("he thong thong tin quy hoach")
    assert has_diacritics(restored) and "quy hoạch" in restored
    assert restore_accents("ai chủ trì") == "ai chủ trì"  # already accented: untouched
    assert "SOC" in restore_accents("trien khai he thong SOC")  # acronyms kept
    assert restore_accents("402 / 2025") == "402 / 2025"


def test_corpus_guided_restoration_beats_pyvi() -> None:
    restorer = AccentRestorer.from_texts(
        ["Triển khai Hệ thống giám sát (SOC)", "Tổ chuyển đổi số cộng đồng", "Sở Tài chính chủ trì"]
    )
    query = "trien khai he thong soc, to chuyen doi so cong dong"
    assert restorer.restore(query) == "triển khai hệ thống soc, tổ chuyển đổi số cộng đồng"
    assert "triên" in restore_accents(query) or "sớc" in restore_accents(query)  # pyvi alone errs
    assert restorer.restore("so tai chinh chu tri") == "sở tài chính chủ trì"
    assert restorer.restore("Đã có dấu") == "Đã có dấu"
    pq = prepare_query("ai chu tri he thong SOC hoan thanh", restorer=restorer)
    assert pq.dense_text == "hệ thống SOC hoàn thành"  # restored, then the asking words dropped


def test_prepare_query_channels() -> None:
    pq = prepare_query("  ai chu tri  CSDL dan cu, han Q4/2025 ")
    assert pq.original == "ai chu tri CSDL dan cu, han Q4/2025"
    assert pq.accents_restored
    assert "CSDL (cơ sở dữ liệu)" in pq.expanded and "quý IV năm 2025" in pq.expanded
    assert "cơ sở dữ liệu" in pq.dense_text and "dân" in pq.dense_text
    assert pq.lexical_text == pq.expanded
    plain = prepare_query("Sở Tài chính có trách nhiệm gì?")
    assert not plain.accents_restored and plain.dense_text == "Sở Tài chính có trách nhiệm"
    vetoed = prepare_query("Tỷ lệ DVCTT", lexical_keep=lambda key: False)
    assert vetoed.lexical_text == "Tỷ lệ DVCTT" and "dịch vụ" in vetoed.dense_text


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Ai chủ trì nhiệm vụ phát triển DVCTT?", "nhiệm vụ phát triển DVCTT"),
        ("Sở nào phối hợp triển khai nền tảng số, thời hạn thế nào?", "triển khai nền tảng số"),
        ("Cho tôi biết thời gian hoàn thành việc số hóa hồ sơ ạ", "việc số hóa hồ sơ"),
        ("ai chu tri so hoa ho so, thoi han the nao", "so hoa ho so"),  # typed bare
        ("Ai chủ trì?", "Ai chủ trì?"),  # nothing else: the question itself
        ("Hạn chế đi lại ở Hàn Quốc", "Hạn chế đi lại ở Hàn Quốc"),  # topic words stay
    ],
)
def test_topic_text_drops_only_asking_words(question: str, topic: str) -> None:
    assert topic_text(question) == topic


def test_encoder_reads_abbreviations_spelt_out_once() -> None:
    assert replace_abbreviations("Tỷ lệ DVCTT") == "Tỷ lệ dịch vụ công trực tuyến"
    pq = prepare_query("Ai chủ trì CSDL đất đai?")
    assert pq.dense_text == "cơ sở dữ liệu đất đai"
    assert "CSDL (cơ sở dữ liệu)" in pq.lexical_text  # the lexical channel keeps both forms


def test_segment_joins_compounds() -> None:
    assert "Chuyển_đổi" in segment("Chuyển đổi số cộng đồng")
    assert segment("   ") == ""


def test_preload_loads_pyvi_before_any_question() -> None:
    from retrieval.query_text import _pyvi_tokenizer, _pyvi_utils, preload

    preload()
    assert _pyvi_utils.cache_info().currsize == 1 and _pyvi_tokenizer.cache_info().currsize == 1


def test_the_encoder_reads_the_first_words_of_a_long_topic() -> None:
    from retrieval.query_text import MAX_ENCODER_WORDS

    long = " ".join(f"từ{i}" for i in range(MAX_ENCODER_WORDS + 10))
    assert topic_text(f"Ai chủ trì {long}?").split() == long.split()[:MAX_ENCODER_WORDS]
