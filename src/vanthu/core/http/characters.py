"""Characters a database or an edXML package cannot hold are dealt with at the edge, once, for every view and the API.

- NUL (U+0000): PostgreSQL text cannot store it, and a request carrying one used to end in a 500 deep in the
  database driver. A NUL in the path, a query string, a form field, an uploaded file's name or an ``/api/`` JSON body
  (including the JSON ``metadata`` field of a multipart API call) is refused with 400: the API's error contract
  under ``/api/``, a Vietnamese page elsewhere. A cookie holding one is dropped, as if it had not been sent.
- The other C0 controls except TAB, LF and CR, and U+FFFE/U+FFFF, are not characters of XML 1.0: a subject holding one
  could never travel in an edXML package. They are invisible and come from pasting out of office software
  (PowerPoint writes a line break as U+000B), which is no reason to refuse the form: U+000B and U+000C become a line
  break and the others are removed. Any control character in the path is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")
_REPLACEMENTS: dict[int, str | None] = {code: None for code in (*range(0x01, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
_REPLACEMENTS.update({0x0B: "\n", 0x0C: "\n"})

Loc = tuple[str, ...]


class ForbiddenCharacterError(Exception):
    def __init__(self, loc: Loc) -> None:
        super().__init__(".".join(loc))
        self.loc = loc


def clean_text(value: str, loc: Loc) -> str:
    """``value`` without the characters XML cannot carry; :class:`ForbiddenCharacterError` if it holds a NUL."""
    if not _UNSTORABLE.search(value):
        return value
    if "\x00" in value:
        raise ForbiddenCharacterError(loc)
    return value.translate(_REPLACEMENTS)


def _clean_json(value: Any, loc: Loc) -> Any:
    if isinstance(value, str):
        return clean_text(value, loc)
    if isinstance(value, list):
        return [_clean_json(item, (*loc, str(index))) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {clean_text(key, loc): _clean_json(item, (*loc, key)) for key, item in value.items()}
    return value


def _clean_value(value: str, loc: Loc, *, api: bool) -> str:
    """A form or query value. Under ``/api/`` a value that is a JSON object or array (``metadata`` of a multipart
    call) is read as JSON, so that an escaped ``\\u0000`` inside it is seen too."""
    if api and value.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return clean_text(value, loc)
        cleaned = _clean_json(parsed, loc)
        return value if cleaned == parsed else json.dumps(cleaned, ensure_ascii=False)
    return clean_text(value, loc)


def _clean_query_dict(data: QueryDict, where: str, *, api: bool) -> _ImmutableQueryDict | None:
    """A cleaned copy of ``data``, or None when it needed nothing."""
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    changed = False
    for key, values in data.lists():
        new_key = clean_text(key, (where, key))
        new_values = [_clean_value(value, (where, key), api=api) for value in values]
        changed = changed or new_key != key or new_values != values
        cleaned.setlist(new_key, new_values)
    if not changed:
        return None
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)


def _is_form(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded", "multipart/form-data",
    )


class ControlCharacterMiddleware:
    """Before the session middleware (which looks the session cookie up) and before anything reads the input; so
    also before the locale middleware, and the refusal picks its language itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        try:
            self._clean(request, api=api)
        except ForbiddenCharacterError as exc:
            return self._refuse(request, exc.loc, api=api)
        except (MultiPartParserError, RequestDataTooBig):
            pass  # the view meets the same error and answers it as it always has
        return self.get_response(request)

    def _clean(self, request: HttpRequest, *, api: bool) -> None:
        if _PATH_CONTROL.search(request.path_info):
            raise ForbiddenCharacterError(("path",))
        if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if "\x00" not in k and "\x00" not in v}
        query = _clean_query_dict(request.GET, "query", api=api)
        if query is not None:
            request.GET = query
        if _is_form(request):
            form = _clean_query_dict(request.POST, "form", api=api)
            if form is not None:
                request.POST = form
            for field, files in request.FILES.lists():
                for upload in files:
                    upload.name = clean_text(upload.name or "", ("form", field))
        elif api and request.content_type == "application/json" and request.body:
            try:
                parsed = json.loads(request.body)
            except ValueError:
                return  # not JSON: the API answers that itself
            cleaned = _clean_json(parsed, ("body",))
            if cleaned != parsed:
                # HttpRequest.body returns _body once read; the view then parses the cleaned document.
                request._body = json.dumps(cleaned, ensure_ascii=False).encode()

    def _refuse(self, request: HttpRequest, loc: Loc, *, api: bool) -> HttpResponse:
        with translation.override(translation.get_language_from_request(request)):
            return self._refusal(request, loc, api=api)

    def _refusal(self, request: HttpRequest, loc: Loc, *, api: bool) -> HttpResponse:
        message = _("Dữ liệu gửi lên có ký tự NUL (mã 0), một ký tự không được phép trong văn bản. "
                    "Hãy xóa ký tự đó rồi gửi lại.")
        if api:
            return JsonResponse(
                {"code": "invalid_input", "message": message,
                 "extra": {"errors": [{"loc": list(loc), "type": "string_nul",
                                       "msg": _("Có ký tự NUL (mã 0), không được phép.")}]}},
                status=400, json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "core/bad_input.html", {"message": message}, status=400)
