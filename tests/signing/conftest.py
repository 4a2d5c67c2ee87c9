"""Session fixture ``test_pki``: the demo/test PKI with TSA, OCSP and CRL served on loopback.

Other test directories can wrap ``vanthu.signing.pki.testing.start_test_pki`` the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vanthu.signing.pki.testing import TestPki, start_test_pki


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    pki = start_test_pki(tmp_path_factory.mktemp("pki"))
    try:
        yield pki
    finally:
        pki.stop()
