"""Vietnamese text as people type it: matching without diacritics.

Vietnamese users type with or without diacritics ("quyet dinh" for "Quyết định"), so names and search terms are
compared reduced to bare, case-folded letters. ``đ``/``Đ`` is a letter of its own, not ``d`` plus a mark, so Unicode
decomposition keeps it: it is mapped to ``d`` explicitly. Search (both engines) and the exchange directory's name
matching use this one function, so they agree.
"""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def normalise_text(text: str) -> str:
    """Strip diacritics (NFKD, combining marks dropped), map đ→d and case-fold."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_D_STROKE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def ascii_slug(text: str) -> str:
    """``text`` for a file name: Vietnamese letters without their marks (đ as d), lower case, words joined by "-"
    ("Quyết định số 12" → "quyet-dinh-so-12"); Django's ``slugify`` alone would drop the đ."""
    return slugify(normalise_text(text))
