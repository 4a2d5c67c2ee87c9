from __future__ import annotations

import pytest

from tests.builders import AgencyKit, make_agency_kit


@pytest.fixture
def kit(db: None) -> AgencyKit:
    return make_agency_kit()


@pytest.fixture
def other_kit(db: None) -> AgencyKit:
    return make_agency_kit()
