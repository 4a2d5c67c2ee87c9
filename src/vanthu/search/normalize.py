"""The one text normaliser both search engines share, so that SQLite and PostgreSQL agree on every match.

Vietnamese users type with or without diacritics ("quyet dinh" for "Quyết định"), so the index and the query
are both reduced to bare, case-folded Latin letters and digits. ``đ``/``Đ`` is a letter of its own, not ``d``
plus a mark, so Unicode decomposition keeps it: it is mapped to ``d`` explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vanthu.core.text import normalise_text

# Letters and digits only: punctuation, quotes, ``*``, ``-``, ``/`` and the underscore all separate words.
# This is also what makes any query safe to hand to FTS5 or to_tsquery: no syntax character survives.
_WORD = re.compile(r"[^\W_]+")

# A single-letter prefix would match most of the corpus; below this length the last word must match exactly.
PREFIX_MIN_LENGTH = 2


def text_terms(text: str) -> list[str]:
    """The words of ``text`` as both engines index them."""
    return _WORD.findall(normalise_text(text))


def index_text(text: str) -> str:
    """Normalised words joined by single spaces: what is stored in ``SearchEntry``."""
    return " ".join(text_terms(text))


@dataclass(frozen=True)
class SearchTerms:
    """A parsed query: every word must match; the last one may match as a prefix (search while typing)."""

    words: tuple[str, ...]
    last_is_prefix: bool

    @property
    def is_empty(self) -> bool:
        return not self.words


def query_terms(query: str, *, max_words: int = 32) -> SearchTerms:
    """Parse what the user typed. Operators (AND, OR, NEAR, quotes, ``*``) are plain words here, never syntax."""
    words = tuple(text_terms(query)[:max_words])
    last_is_prefix = bool(words) and len(words[-1]) >= PREFIX_MIN_LENGTH
    return SearchTerms(words=words, last_is_prefix=last_is_prefix)
