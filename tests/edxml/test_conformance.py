"""Strict in what we send: every package the builder makes parses with no warning at all — whatever the document,
the files, the business type, the partners' codes (lenient ones and enterprise codes included) and the signature
algorithm. A builder change that drifts from the form we emit fails here before a partner sees it."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.edxml.kit import agency_signer, document_packages, sample_header, sample_package, status_packages
from vanthu.edxml import (
    DocumentPackage,
    StatusPackage,
    document_package_build,
    package_parse,
    status_package_build,
)

CONFORMANCE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INFORMATIONAL = {"lenient_organ_id"}  # partners' codes we address as the directory lists them: not a warning


@CONFORMANCE
@given(document_packages())
def test_every_document_package_we_build_parses_with_zero_warnings(package: DocumentPackage) -> None:
    parsed = package_parse(document_package_build(package))
    assert parsed.warnings == ()
    assert set(parsed.flags) <= INFORMATIONAL


@CONFORMANCE
@given(status_packages)
def test_every_status_package_we_build_parses_with_zero_warnings(status: StatusPackage) -> None:
    parsed = package_parse(status_package_build(status))
    assert parsed.warnings == ()
    assert set(parsed.flags) <= INFORMATIONAL


@settings(max_examples=10, deadline=None)
@given(document_packages(), st.sampled_from(["rsa-sha256", "rsa-sha1"]))
def test_signed_packages_we_build_parse_with_zero_warnings(package: DocumentPackage, algorithm: str) -> None:
    parsed = package_parse(document_package_build(package, signer=agency_signer(algorithm)))  # type: ignore[arg-type]
    assert parsed.signature.state == "valid"
    assert parsed.warnings == ()


def test_text_given_in_nfd_is_emitted_in_nfc() -> None:
    subject = "Về việc tăng cường công tác phòng, chống lụt, bão"
    decomposed = unicodedata.normalize("NFD", subject)
    data = document_package_build(sample_package(header=sample_header(subject=decomposed)))
    assert subject.encode() in data
    assert decomposed.encode() not in data
    parsed = package_parse(data)
    assert parsed.warnings == ()
    assert "unicode_normalised" not in parsed.flags
