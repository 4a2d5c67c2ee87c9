"""Round trips (hypothesis): what we build, we parse back to the same data — document and status packages,
Vietnamese text with diacritics and XML special characters, many attachments, every business type."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.edxml.kit import agency_signer, document_packages, status_packages
from vanthu.edxml import (
    DocumentPackage,
    StatusPackage,
    document_package_build,
    package_parse,
    package_routing,
    status_package_build,
)

ROUND_TRIPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIPS
@given(document_packages())
def test_document_package_round_trips(package: DocumentPackage) -> None:
    parsed = package_parse(document_package_build(package))
    assert parsed.kind == "edoc"
    assert parsed.status is None
    assert parsed.document == package
    assert parsed.signature.state == "absent"
    assert parsed.raw_values == {}


@ROUND_TRIPS
@given(status_packages)
def test_status_package_round_trips(status: StatusPackage) -> None:
    parsed = package_parse(status_package_build(status))
    assert parsed.kind == "status"
    assert parsed.document is None
    assert parsed.status == status


@ROUND_TRIPS
@given(document_packages())
def test_routing_agrees_with_the_full_parse(package: DocumentPackage) -> None:
    routing = package_routing(document_package_build(package))
    assert routing.kind == "edoc"
    assert routing.from_organ_id == package.header.from_.organ_id
    assert routing.to_organ_ids == tuple(org.organ_id for org in package.header.to)
    assert routing.document_id == package.header.document_id
    assert routing.business_doc_type == package.business.doc_type


@ROUND_TRIPS
@given(status_packages)
def test_status_routing_goes_back_to_the_original_sender(status: StatusPackage) -> None:
    routing = package_routing(status_package_build(status))
    assert routing.kind == "status"
    assert routing.to_organ_ids == (status.response_for.organ_id,)
    assert routing.document_id == status.response_for.document_id
    assert routing.status_code == status.status_code


@settings(max_examples=10, deadline=None)
@given(document_packages(), st.sampled_from(["rsa-sha256", "rsa-sha1"]))
def test_signed_document_package_round_trips_with_a_valid_signature(package: DocumentPackage, algorithm: str) -> None:
    parsed = package_parse(document_package_build(package, signer=agency_signer(algorithm)))  # type: ignore[arg-type]
    assert parsed.document == package
    assert parsed.signature.state == "valid", parsed.signature


@settings(max_examples=10, deadline=None)
@given(status_packages)
def test_signed_status_package_round_trips_with_a_valid_signature(status: StatusPackage) -> None:
    parsed = package_parse(status_package_build(status, signer=agency_signer()))
    assert parsed.status == status
    assert parsed.signature.state == "valid", parsed.signature
