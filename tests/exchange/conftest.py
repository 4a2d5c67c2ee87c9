"""Fixtures of the exchange tests: ``province`` — a hub and two deployments as real processes (see harness.py).

Session-scoped and lazily started: only the tests that use it pay for it, once per test process; mark them
``pytest.mark.xdist_group("province")`` so that xdist (``--dist loadgroup``) runs them in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.harness import Databases, Deployment, Hub
from tests.signing.signing_helpers import PASSPHRASE
from vanthu.signing.pki.testing import TestPki


@dataclass
class Side:
    deployment: Deployment
    info: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.info["organ_id"])

    @property
    def name(self) -> str:
        return str(self.info["name"])

    def call(self, op: str, **args: Any) -> Any:
        return self.deployment.driver.call(op, **args)

    def api(self, method: str, path: str, role: str = "clerk", body: dict[str, Any] | None = None) -> Any:
        return self.deployment.api(method, path, self.info["tokens"][role], body)


@dataclass
class Province:
    hub: Hub
    a: Side
    b: Side


SIGNING_LABELS = ("person-rsa", "person-ec", "agency-rsa")


def _pki_spec(test_pki: TestPki, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    p12 = {}
    for label in SIGNING_LABELS:
        path = folder / f"{label}.p12"
        path.write_bytes(test_pki.identity(label).pkcs12(PASSPHRASE))
        p12[label] = str(path)
    return {"tsa_url": test_pki.tsa_url, "root_pem_path": str(test_pki.root_pem_path), "p12": p12}


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory, test_pki: TestPki) -> Iterator[Province]:
    base = tmp_path_factory.mktemp("province")
    databases = Databases(base)
    hub = Hub(base, databases.url("hub")).migrate()
    deployments = {
        name: Deployment(name, base, databases.url(name), hub.url, f"vanthu-{name}", f"secret-{name}-0123456789")
        for name in ("a", "b")
    }
    sides: dict[str, Side] = {}
    try:
        for suffix, (name, deployment) in enumerate(deployments.items(), start=71):
            deployment.migrate()
            info = deployment.driver.call("setup", code_suffix=suffix, pki=_pki_spec(test_pki, base / "pki"))
            hub.system_add(deployment.system_id, deployment.secret, [info["organ_id"]])
            sides[name] = Side(deployment, info)
        hub.start()
        for deployment in deployments.values():
            deployment.start_web().start_worker()
        yield Province(hub=hub, a=sides["a"], b=sides["b"])
    finally:
        for deployment in deployments.values():
            deployment.stop()
        hub.stop()
        databases.drop()




@dataclass(frozen=True)
class HubServer:
    hub: Hub
    system_id: str
    secret: str


@pytest.fixture(scope="session")
def hub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    """One real hub process (its own SQLite database) for the in-process connector tests of this test process.
    The suite's deployment is the system ``vanthu-test``; the agencies it hosts register themselves."""
    base = tmp_path_factory.mktemp("hub")
    hub = Hub(base, f"sqlite:///{base / 'hub.sqlite3'}").migrate()
    server = HubServer(hub=hub, system_id="vanthu-test", secret="secret-vanthu-test-0123456789")
    hub.system_add(server.system_id, server.secret, [])
    hub.start()
    try:
        yield server
    finally:
        hub.stop()
