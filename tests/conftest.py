from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps

from tests.builders import AgencyKit, make_agency_kit
from vanthu.signing.pki.testing import TestPki, start_test_pki

# Reference data that data migrations seed. Transactional tests (live server, WebSocket, concurrency) end with a
# flush that empties every table, so tests after them in the same worker would find no roles or document types.
_SEED_MIGRATIONS = [
    ("vanthu.organizations.migrations.0002_seed_roles_levels", "organizations", "Role"),
    ("vanthu.documents.migrations.0003_seed_document_types", "documents", "DocumentType"),
]


def _reseed() -> None:
    for module_name, app_label, model_name in _SEED_MIGRATIONS:
        if not apps.get_model(app_label, model_name).objects.exists():
            importlib.import_module(module_name).seed(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if uses_db:
        request.getfixturevalue("transactional_db" if "live_server" in request.fixturenames else "db")
        _reseed()
    yield


@pytest.fixture
def kit(db: None) -> AgencyKit:
    return make_agency_kit()


@pytest.fixture
def other_kit(db: None) -> AgencyKit:
    return make_agency_kit()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    """The test PKI with TSA, OCSP and CRL served on loopback (one per xdist worker, started on first use)."""
    pki = start_test_pki(tmp_path_factory.mktemp("pki"))
    try:
        yield pki
    finally:
        pki.stop()
