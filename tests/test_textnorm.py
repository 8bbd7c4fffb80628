"""Tests for retrieval.textnorm: NFC, folding, tokens and loose name comparison."""

from __future__ import annotations

import unicodedata

import pytest

from retrieval.textnorm import (
    collapse_ws,
    contains_phrase,
    fold,
    fold_tokens,
    loose_key,
    names_equal,
    nfc,
    strip_diacritics,
)


@pytest.fixture
def decomposed() -> str:
    """'Sở Thông tin' in NFD form, as some PDF extractors emit it."""
    return unicodedata.normalize("NFD", "Sở Thông tin")


def test_nfc_composes(decomposed: str) -> None:
    assert nfc(decomposed) == "Sở Thông tin"
    assert nfc(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Thông tin và Truyền thông", "so thong tin va truyen thong"),
        ("ĐẢNG ỦY  Đà   Nẵng", "dang uy da nang"),
        ("Ứng Hòa\n\tỨng Hoà", "ung hoa ung hoa"),
        ("Sở TT&TT", "so tt&tt"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_handles_decomposed_and_none(decomposed: str) -> None:
    assert fold(decomposed) == "so thong tin"
    assert fold(None) == ""


def test_strip_diacritics_keeps_case() -> None:
    assert strip_diacritics("Đội Ứng cứu") == "Doi Ung cuu"


def test_collapse_ws() -> None:
    assert collapse_ws("  a \u00a0 b\n c ") == "a b c"


def test_fold_tokens() -> None:
    assert fold_tokens("Ai chủ trì, Sở TT&TT? (Q4/2025)") == [
        "ai",
        "chu",
        "tri",
        "so",
        "tt&tt",
        "q4",
        "2025",
    ]


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("Sở Lao động, Thương binh và Xã hội", "so lao dong thuong binh va xa hoi", True),
        ("Sở Quy hoạch - Kiến trúc", "Sở Quy hoạch Kiến trúc", True),
        ("Sở Công thương", "Sở Công Thương", True),
        ("Sở Y tế", "Sở Tư pháp", False),
        ("", "", False),
    ],
)
def test_names_equal(a: str, b: str, equal: bool) -> None:
    assert names_equal(a, b) is equal


def test_loose_key_drops_punctuation() -> None:
    assert loose_key("Các Sở, ban, ngành;") == "cac so ban nganh"


def test_contains_phrase_on_token_boundaries() -> None:
    assert contains_phrase("Sở Thông tin và Truyền thông tổng hợp", "so thong tin va truyen thong")
    assert not contains_phrase("Sở Thông tin", "so thong tin va truyen thong")
    assert contains_phrase("Sở Nội vụ", "noi")
    assert not contains_phrase("Sở Nội vụ", "no")
    assert not contains_phrase("x", "")
