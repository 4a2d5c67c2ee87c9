# pyHanko's PDF object helpers are untyped.
# mypy: disable-error-code="no-untyped-call"
"""What the signature fields of a PDF held in each revision, and signature widgets the form does not list.

pyHanko reads an older revision through ``get_historical_resolver``; for an object kept in an object stream
it looks the stream up by number in the *newest* revision (pyHanko 0.38 ``PdfFileReader._get_object_from_stream``).
When a later revision gave that number to another object — an incremental save may move an object stream's objects
elsewhere and reuse its number — the old read fails (``AssertionError``) or returns a newer object.
``RevisionReader`` reads such an object from the stream as it was in that revision. It serves our own walk over
the revisions only: signatures themselves are validated with pyHanko's reader, so that our verdict stays pyHanko's
(docs/subsystems/validation.md).

The walk identifies a signature by the object number of its signature dictionary (the field's ``/V``), which is
read without parsing the dictionary: its ``/Contents`` is kilobytes of hexadecimal that pyHanko parses slowly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import PdfHandler
from pyhanko.pdf_utils.xref import ObjStreamRef

# Walking the revisions of an odd file must not keep a worker busy: a deeper form tree makes the walk fail (the
# caller reports it), pages past the limit are not searched for unlisted signature widgets.
MAX_FIELD_DEPTH = 32
MAX_PAGES = 5000

logger = logging.getLogger(__name__)

SignatureKey = tuple[int, int]  # (object number, generation) of a signature dictionary


class WalkLimitError(Exception):
    """The file is larger or deeper than the walk reads."""


class RevisionReader(PdfFileReader):
    """A reader whose historical reads take a compressed object from its object stream as of that revision."""

    # The signature is PdfFileReader.get_object's, which already differs from its base class's.
    def get_object(  # type: ignore[override]
        self, ref: generic.Reference, revision: int | None = None, never_decrypt: bool = False,
        transparent_decrypt: bool = True, as_metadata_stream: bool = False,
    ) -> Any:
        if revision is not None and self.security_handler is None:
            marker = self.xrefs.get_historical_ref(ref, revision)
            if isinstance(marker, ObjStreamRef) and marker.obj_stream_id != ref.idnum:
                container = self.get_object(generic.Reference(marker.obj_stream_id, 0, self), revision)
                return _from_object_stream(container, ref, self)
        return super().get_object(ref, revision, never_decrypt, transparent_decrypt, as_metadata_stream)


def _from_object_stream(container: Any, ref: generic.Reference, reader: PdfFileReader) -> Any:
    """Object ``ref`` out of an object stream (ISO 32000-1 §7.5.7: /N pairs "number offset", objects from /First)."""
    if not isinstance(container, generic.StreamObject) or _entry(container, "/Type") != "/ObjStm":
        return generic.NullObject()
    data = container.data
    first, count = int(container["/First"]), int(container["/N"])
    header = data[:first].split()
    for index in range(min(count, len(header) // 2)):
        if int(header[2 * index]) == ref.idnum:
            stream = BytesIO(data)
            stream.seek(first + int(header[2 * index + 1]))
            return generic.read_object(stream, generic.Reference(ref.idnum, 0, reader))
    return generic.NullObject()


def _entry(dictionary: Any, key: str) -> Any:
    """``dictionary[key]`` with references followed; None when absent or not a dictionary."""
    if not isinstance(dictionary, generic.DictionaryObject) or key not in dictionary:
        return None
    return dictionary[key]


def _raw_items(array: Any) -> list[Any]:
    """The entries of a PDF array as written (references not followed); nothing when it is not an array."""
    if not isinstance(array, generic.ArrayObject):
        return []
    return [array.raw_get(index) for index in range(len(array))]


def _field_type(field: generic.DictionaryObject) -> Any:
    """``/FT``, inherited from the parents (ISO 32000-1 §12.7.3.1)."""
    node: Any = field
    for _level in range(MAX_FIELD_DEPTH):
        if not isinstance(node, generic.DictionaryObject):
            return None
        if "/FT" in node:
            return node["/FT"]
        node = _entry(node, "/Parent")
    return None


def _signature_value(field: generic.DictionaryObject) -> SignatureKey | None:
    value = field.raw_get("/V") if "/V" in field else None
    if isinstance(value, generic.IndirectObject):
        return value.idnum, value.generation
    return None  # no value, or a direct dictionary (not a signature any reader would accept)


def filled_signature_fields(handler: PdfHandler) -> dict[str, SignatureKey]:
    """Fully qualified name → signature dictionary of every signed field in the form of ``handler``."""
    found: dict[str, SignatureKey] = {}
    seen: set[tuple[int, int]] = set()

    def visit(refs: Any, prefix: str, depth: int) -> None:
        if depth >= MAX_FIELD_DEPTH:
            raise WalkLimitError("form tree too deep")
        for ref in _raw_items(refs):
            if not isinstance(ref, generic.IndirectObject) or (ref.idnum, ref.generation) in seen:
                continue
            seen.add((ref.idnum, ref.generation))
            field = ref.get_object()
            if not isinstance(field, generic.DictionaryObject):
                continue
            name = str(field["/T"]) if "/T" in field else ""
            full = f"{prefix}.{name}" if prefix and name else (name or prefix)
            key = _signature_value(field) if _field_type(field) == "/Sig" else None
            if key is not None and name:
                found[full] = key
            visit(_entry(field, "/Kids"), full, depth + 1)

    form = _entry(handler.root, "/AcroForm")
    if isinstance(form, generic.DictionaryObject):
        visit(_entry(form, "/Fields"), "", 0)
    return found


@dataclass(frozen=True)
class RevisionFields:
    revision: int  # 0 = the oldest
    fields: dict[str, SignatureKey] | None  # None when this revision cannot be read


def fields_by_revision(reader: RevisionReader) -> Iterator[RevisionFields]:
    """The signed fields of every revision before the newest, oldest first; an unreadable revision is reported
    (``fields=None``, the reason logged), never raised."""
    for revision in range(reader.xrefs.total_revisions - 1):
        try:
            fields: dict[str, SignatureKey] | None = filled_signature_fields(reader.get_historical_resolver(revision))
        except Exception as exc:  # whatever the failure, it only means this revision cannot be read
            logger.warning("PDF revision %d unreadable: %s: %.300s", revision, type(exc).__name__, exc)
            logger.debug("PDF revision %d unreadable", revision, exc_info=exc)
            fields = None
        yield RevisionFields(revision=revision, fields=fields)


def changed_after(reader: PdfFileReader, key: SignatureKey, revision: int) -> bool:
    """Whether the signature dictionary ``key`` was written again after ``revision`` (a replaced signature); a
    reference to no object at all is no signature, so nothing was replaced."""
    try:
        return bool(reader.xrefs.get_last_change(generic.Reference(*key)) > revision)
    except KeyError:
        return False


def unlisted_signature_widgets(reader: PdfFileReader, listed: set[SignatureKey]) -> list[str]:
    """Names of signed signature widgets on the pages whose signature the form's field list does not reach: viewers
    that read the form (pyHanko among them) do not see these signatures, some others (poppler) do."""
    names: list[str] = []
    seen: set[tuple[int, int]] = set()
    pages = 0

    def visit(node: Any, depth: int) -> None:
        nonlocal pages
        if depth >= MAX_FIELD_DEPTH or pages >= MAX_PAGES or not isinstance(node, generic.DictionaryObject):
            return
        if "/Kids" in node:
            for kid in _raw_items(_entry(node, "/Kids")):
                if isinstance(kid, generic.IndirectObject) and (kid.idnum, kid.generation) not in seen:
                    seen.add((kid.idnum, kid.generation))
                    visit(kid.get_object(), depth + 1)
            return
        pages += 1
        for annot in _raw_items(_entry(node, "/Annots")):
            widget = annot.get_object() if isinstance(annot, generic.IndirectObject) else annot
            if not isinstance(widget, generic.DictionaryObject) or _entry(widget, "/Subtype") != "/Widget":
                continue
            key = _signature_value(widget) if _field_type(widget) == "/Sig" else None
            if key is not None and key not in listed:
                names.append(str(widget["/T"]) if "/T" in widget else "")

    visit(_entry(reader.root, "/Pages"), 0)
    return names
