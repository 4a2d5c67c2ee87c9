from __future__ import annotations

import pytest

from vanthu.core.text import normalise_text
from vanthu.search.backends.postgres import tsquery_text
from vanthu.search.backends.sqlite import fts_expression
from vanthu.search.normalize import index_text, query_terms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quyết định", "quyet dinh"),
        ("ĐỀ ÁN ĐÔ THỊ", "de an do thi"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Hỏa tốc, thượng khẩn", "hoa toc, thuong khan"),
        ("quyet dinh", "quyet dinh"),
    ],
)
def test_normalise_strips_every_vietnamese_mark_and_maps_d_stroke(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_precomposed_and_decomposed_input_normalise_the_same() -> None:
    precomposed = "Nghị quyết"
    decomposed = "Nghi\u0323 quye\u0302\u0301t"
    assert normalise_text(precomposed) == normalise_text(decomposed) == "nghi quyet"


def test_index_text_keeps_only_words_so_references_split_into_terms() -> None:
    assert index_text("Số 15/QĐ-UBND ngày 02/11/2026") == "so 15 qd ubnd ngay 02 11 2026"


def test_query_syntax_characters_become_separators() -> None:
    terms = query_terms('"quyết*  NEAR( định\'; DROP TABLE x; --')
    assert terms.words == ("quyet", "near", "dinh", "drop", "table", "x")


def test_query_of_punctuation_only_is_empty() -> None:
    assert query_terms('" * ( ) -- ;').is_empty


def test_last_word_is_a_prefix_unless_it_is_a_single_character() -> None:
    assert query_terms("chuyen do").last_is_prefix
    assert not query_terms("van ban so 5").last_is_prefix


def test_fts5_expression_quotes_every_word() -> None:
    assert fts_expression(query_terms("quyết định AND")) == '"quyet" "dinh" "and"*'


def test_tsquery_quotes_every_word_as_a_lexeme() -> None:
    assert tsquery_text(query_terms("Chuyển đổi số")) == "'chuyen' & 'doi' & 'so':*"
