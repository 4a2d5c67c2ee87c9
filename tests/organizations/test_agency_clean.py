from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vanthu.organizations.enums import AgencyKind
from vanthu.organizations.models import Agency


def _agency(kind: str, organ_id: str | None) -> Agency:
    return Agency(name="Cơ quan thử", abbreviation="CQT", kind=kind, organ_id=organ_id)


@pytest.mark.parametrize("code", ["99.99.99.G21", "H37.DN.001", "000.00.00.H4", "abc"])
def test_state_agency_with_a_non_strict_code_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        _agency(AgencyKind.STATE, code).clean()
    assert "organ_id" in info.value.message_dict


@pytest.mark.parametrize("kind", [AgencyKind.STATE, AgencyKind.PARTY, AgencyKind.MASS_ORG])
def test_state_side_agency_without_a_code_is_refused(kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        _agency(kind, None).clean()
    assert "organ_id" in info.value.message_dict


def test_state_agency_code_is_normalised_to_upper_case() -> None:
    agency = _agency(AgencyKind.STATE, " 000.00.00.h49 ")
    agency.clean()
    assert agency.organ_id == "000.00.00.H49"


@pytest.mark.parametrize("kind", [AgencyKind.PRESS, AgencyKind.EXTERNAL])
def test_external_organisation_needs_no_code(kind: str) -> None:
    agency = _agency(kind, None)
    agency.clean()
    assert agency.organ_id is None


def test_press_agency_may_carry_a_lenient_partner_code() -> None:
    agency = _agency(AgencyKind.PRESS, "H37.DN.001")
    agency.clean()
    assert agency.organ_id == "H37.DN.001"


@pytest.mark.django_db
def test_agency_cannot_be_its_own_parent() -> None:
    agency = Agency.objects.create(name="Sở A", abbreviation="SA", organ_id="000.00.01.H49")
    agency.parent_id = agency.pk
    with pytest.raises(ValidationError) as info:
        agency.clean()
    assert "parent" in info.value.message_dict
