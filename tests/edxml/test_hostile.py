"""Hostile and defective packages: each becomes the right typed error naming the element, never a crash, never
an lxml, zip or Base64 exception, and never a file read or a network request. Only what is FATAL is here (hostile
XML, limits, a document nobody can identify, a missing or corrupt file); what is merely omitted or written
differently is read with a warning (test_leniency.py, corpus/)."""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.edxml.kit import sample_package, sample_status
from vanthu.edxml import (
    MAX_DEPTH,
    EdxmlError,
    document_package_build,
    package_parse,
    package_routing,
    status_package_build,
)
from vanthu.edxml.attachments import zip_single

NS = 'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"'
PARSERS: list[Callable[[bytes], object]] = [package_parse, package_routing]


def _error(data: bytes, parse: Callable[[bytes], object] = package_parse) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data)
    return caught.value


def _valid() -> bytes:
    return document_package_build(sample_package())


@pytest.mark.parametrize("parse", PARSERS)
def test_xxe_with_an_external_entity_is_forbidden(parse: Callable[[bytes], object]) -> None:
    data = _valid().replace(b"<edXML ", b'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<edXML ', 1)
    data = data.replace(b"<edXML:Subject>", b"<edXML:Subject>&xxe;", 1)
    error = _error(data, parse)
    assert error.code == "edxml.forbidden_construct"
    assert error.extra["element"] == "DOCTYPE"


def test_billion_laughs_is_forbidden_before_any_expansion() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = f'<?xml version="1.0"?><!DOCTYPE edXML [{entities}]><edXML {NS}>&lol9;</edXML>'.encode()
    error = _error(data)
    assert error.code == "edxml.forbidden_construct"
    assert error.element == "DOCTYPE"


def test_a_bare_doctype_with_an_external_dtd_is_forbidden() -> None:
    data = f'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/edxml.dtd"><edXML {NS}/>'.encode()
    assert _error(data).code == "edxml.forbidden_construct"


def test_a_doctype_hidden_in_utf16_is_forbidden() -> None:
    data = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><edXML {NS}>&a;</edXML>'
    assert _error(data.encode("utf-16")).code == "edxml.forbidden_construct"


def test_an_entity_declaration_outside_a_doctype_is_forbidden() -> None:
    error = _error(f'<edXML {NS}><!ENTITY x "y"></edXML>'.encode())
    assert (error.code, error.element) == ("edxml.forbidden_construct", "ENTITY")


def test_a_depth_bomb_stops_at_the_depth_limit() -> None:
    depth = 100_000
    data = f"<edXML {NS}>".encode() + b"<a>" * depth + b"</a>" * depth + b"</edXML>"
    error = _error(data)
    assert error.code == "edxml.too_large"
    assert error.extra["limit"] == "depth"
    assert error.extra["max"] == MAX_DEPTH
    assert error.element.startswith("edXML/a/a")


def test_an_element_bomb_stops_at_the_element_limit() -> None:
    data = f"<edXML {NS}>".encode() + b"<a/>" * 500_000 + b"</edXML>"
    error = _error(data)
    assert (error.code, error.extra["limit"]) == ("edxml.too_large", "elements")


def test_a_zip_bomb_is_refused_at_the_decompressed_size_limit() -> None:
    bomb = zip_single("bom.pdf", bytes(20_000_000))  # 20 MB of zeros in about 20 KB
    original = _valid()
    encoded = re.search(rb"<edXML:ContentTransferEncoded[^>]*>([^<]*)<", original)
    assert encoded is not None
    data = original.replace(encoded.group(1), base64.b64encode(bomb), 1)
    parsed = package_parse(data)  # the default budget is 4 × the 50 MiB package limit, across all files
    assert parsed.document is not None
    assert len(parsed.document.attachments[0].data) == 20_000_000
    error = _error(data, lambda body: package_parse(body, max_unpacked_bytes=10_000_000))
    assert error.code == "edxml.too_large"
    assert error.element == "AttachmentEncoded/Attachment[1]/ContentTransferEncoded"
    assert error.extra["limit"] == "unpacked_bytes"


def test_the_decompressed_budget_follows_the_package_limit() -> None:
    bomb = zip_single("bom.pdf", bytes(2_000_000))
    package = sample_package(attachments=())
    data = document_package_build(package).replace(
        b"<AttachmentEncoded/>",
        f"<AttachmentEncoded><Attachment><ContentId>cid:b</ContentId><ContentTransferEncoded>"
        f"{base64.b64encode(bomb).decode()}</ContentTransferEncoded></Attachment></AttachmentEncoded>".encode())
    error = _error(data, lambda body: package_parse(body, max_bytes=200_000))  # 4 × 200 KB < 2 MB
    assert (error.code, error.element) == ("edxml.too_large", "AttachmentEncoded/Attachment[1]/ContentTransferEncoded")


def test_the_decompressed_budget_is_shared_by_all_files() -> None:
    package = sample_package()
    first, second = (len(attachment.data) for attachment in package.attachments)
    data = document_package_build(package)
    assert package_parse(data, max_unpacked_bytes=first + second).document is not None
    error = _error(data, lambda body: package_parse(body, max_unpacked_bytes=first + second - 1))
    assert (error.code, error.element) == ("edxml.too_large", "AttachmentEncoded/Attachment[2]/ContentTransferEncoded")


@pytest.mark.parametrize("parse", PARSERS)
def test_a_truncated_body_is_malformed_and_names_the_open_element(parse: Callable[[bytes], object]) -> None:
    data = _valid()
    cut = data.index(b"<edXML:ContentTransferEncoded") + 200
    error = _error(data[:cut], parse)
    assert error.code == "edxml.malformed"
    assert error.element == "edXML/AttachmentEncoded/Attachment/ContentTransferEncoded"
    assert error.extra["line"] > 1


def test_wrong_base64_is_an_invalid_value_of_that_attachment() -> None:
    data = re.sub(rb"(<edXML:ContentTransferEncoded[^>]*>)[^<]*", rb"\1 !!! pas du base64 ***", _valid(), count=1)
    error = _error(data)
    assert error.code == "edxml.invalid_value"
    assert error.element == "AttachmentEncoded/Attachment[1]/ContentTransferEncoded"
    assert error.extra["reason"] == "base64"


@pytest.mark.parametrize("parse", PARSERS)
def test_an_oversized_package_is_refused_before_parsing(parse: Callable[[bytes], object]) -> None:
    data = _valid()
    with pytest.raises(EdxmlError) as caught:
        parse(data, max_bytes=len(data) - 1)  # type: ignore[call-arg]
    assert (caught.value.code, caught.value.element) == ("edxml.too_large", "edXML")
    assert caught.value.extra["size"] == len(data)


@pytest.mark.parametrize(("data", "code", "element"), [
    (b"", "edxml.malformed", "edXML"),
    (b"   \n", "edxml.malformed", "edXML"),
    (b"%PDF-1.7 not xml", "edxml.malformed", "edXML"),
    (b"<html><body>502 Bad Gateway</body></html>", "edxml.malformed", "html"),
    (f"<edXML {NS}/>".encode(), "edxml.missing_element", "edXML/edXMLEnvelope"),
    (f"<edXML {NS}><edXMLEnvelope/></edXML>".encode(), "edxml.missing_element", "edXML/edXMLEnvelope/edXMLHeader"),
    (f"<edXML {NS}><edXMLEnvelope><edXMLHeader/></edXMLEnvelope></edXML>".encode(), "edxml.missing_element",
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"),
    (f"<edXML {NS}>&undefined;</edXML>".encode(), "edxml.malformed", "edXML"),
])
def test_things_that_are_not_packages(data: bytes, code: str, element: str) -> None:
    error = _error(data)
    assert (error.code, error.element) == (code, element)
    assert element in str(error.message)


def _without(data: bytes, pattern: bytes) -> bytes:
    changed = re.sub(pattern, b"", data, count=1, flags=re.DOTALL)
    assert changed != data
    return changed


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize(("pattern", "code", "element"), [
    (rb"<edXML:From>.*?</edXML:From>", "edxml.missing_element", "MessageHeader/From"),
    (rb"<edXML:OrganId>000.00.00.H49</edXML:OrganId>\s*<edXML:OrganizationInCharge>.*?</edXML:OrganName>",
     "edxml.missing_element", "MessageHeader/From/OrganId"),  # neither a code nor a name: nobody sent it
    (rb"<edXML:Subject>.*?</edXML:Subject>", "edxml.missing_element", "MessageHeader/Subject"),
    (rb"<edXML:DocumentId>000.00.00.H49,2024/03/05,15/CT-UBND</edXML:DocumentId>\s*<edXML:Code>.*?</edXML:Code>",
     "edxml.missing_element", "MessageHeader/DocumentId"),  # nothing to make one from
    (rb"<Attachment>.*?</Attachment>", "edxml.missing_element", "AttachmentEncoded/Attachment"),
    (rb"<edXML:ContentTransferEncoded[^>]*>[^<]*</edXML:ContentTransferEncoded>", "edxml.missing_element",
     "AttachmentEncoded/Attachment[1]/ContentTransferEncoded"),
])
def test_missing_required_elements(parse: Callable[[bytes], object], pattern: bytes, code: str,
                                   element: str) -> None:
    error = _error(_without(_valid(), pattern), parse)
    assert (error.code, error.element) == (code, element)


def _replaced(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        assert re.search(old, data)
        return re.sub(old, new, data)
    return damage


@pytest.mark.parametrize(("damage", "element"), [
    (_replaced(rb"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<"),
     "TraceHeaderList/Bussiness/BussinessDocType"),
    (_replaced(rb"<edXML:DocumentId>000.00.00.H49,2024/03/05,15/CT-UBND</edXML:DocumentId>(\s*<edXML:Code>)",
               b"<edXML:DocumentId>" + b"x" * 256 + rb"</edXML:DocumentId>\1"), "MessageHeader/DocumentId"),
    (_replaced(rb"<ContentId>cid:[^<]*</ContentId>", b"<ContentId>cid:dup</ContentId>"),  # two files, one id
     "AttachmentEncoded/Attachment[2]/ContentId"),
    (_replaced(rb"<edXML:Subject>[^<]*</edXML:Subject>", b"<edXML:Subject> </edXML:Subject>"),
     "MessageHeader/Subject"),
])
def test_invalid_values_name_their_element(damage: Callable[[bytes], bytes], element: str) -> None:
    error = _error(damage(_valid()))
    assert (error.code, error.element) == ("edxml.invalid_value", element)


def test_status_packages_are_validated_too() -> None:
    data = status_package_build(sample_status()).replace(b"<edXML:StatusCode>03</edXML:StatusCode>", b"")
    for parse in PARSERS:
        error = _error(data, parse)
        assert (error.code, error.element) == ("edxml.missing_element", "MessageHeader/StatusCode")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_damage_gives_a_typed_error_or_a_package(data: st.DataObject) -> None:
    """Cut, overwrite or insert anywhere: the result is a parsed package or an EdxmlError, nothing else."""
    original = bytearray(_valid())
    position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
    action = data.draw(st.sampled_from(["cut", "overwrite", "insert"]))
    junk = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"<", b"&", b"]]>", b"<!--", b"\x00"]))
    if action == "cut":
        damaged = bytes(original[:position])
    elif action == "overwrite":
        damaged = bytes(original[:position] + junk + original[position + len(junk):])
    else:
        damaged = bytes(original[:position] + junk + original[position:])
    for parse in PARSERS:
        with contextlib.suppress(EdxmlError):
            parse(damaged)
