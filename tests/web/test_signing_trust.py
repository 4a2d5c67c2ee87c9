"""“CA gốc tin cậy”: the system administrator's trust store screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent
from vanthu.organizations.actor import Actor, actor_for
from vanthu.organizations.services import membership_create, user_create
from vanthu.signing.keys import certs_from_pem
from vanthu.signing.models import TrustedRoot
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(kit: AgencyKit) -> Actor:
    user = user_create(actor=None, username="quantri.hethong", full_name="Quản trị hệ thống",
                       password="Mat-khau-dai-123")
    membership_create(actor=None, user=user, agency=kit.agency, roles=["SYSADMIN"])
    return actor_for(user)


def _text(response: Any) -> str:
    return str(response.content.decode())


def _state() -> list[tuple[str, bool]]:
    return list(TrustedRoot.objects.order_by("id").values_list("fingerprint_sha256", "is_active"))


def _import(client: Client, data: bytes, name: str = "root.pem") -> Any:
    return client.post(reverse("web:signing_trust_root_import"), {"file": SimpleUploadedFile(name, data)})


def test_sysadmin_imports_a_root_and_sees_its_fingerprint(sysadmin: Actor, test_pki: TestPki,
                                                          login_as: LoginAs) -> None:
    client = login_as(sysadmin)
    assert 'id="roots-empty"' in _text(client.get(reverse("web:signing_trust_roots")))
    response = _import(client, test_pki.root_pem)
    assert response.status_code == 302
    root = TrustedRoot.objects.get()
    assert root.is_active and root.added_by_id == sysadmin.user.pk
    page = _text(client.get(reverse("web:signing_trust_roots")))
    assert root.fingerprint_sha256.upper() in page
    assert f"{root.not_after:%Y}" in page and "KHÔNG DÙNG THẬT" in page
    assert AuditEvent.objects.filter(event_type="signing.trust_root_imported").count() == 1


def test_a_der_root_and_a_pasted_pem_are_accepted_once(sysadmin: Actor, test_pki: TestPki,
                                                       login_as: LoginAs) -> None:
    client = login_as(sysadmin)
    der = certs_from_pem(test_pki.root_pem)[0].dump()
    assert _import(client, der, "root.cer").status_code == 302
    response = client.post(reverse("web:signing_trust_root_import"), {"pem_text": test_pki.root_pem.decode()})
    assert response.status_code == 302
    assert TrustedRoot.objects.count() == 1  # the same certificate is not stored twice


def test_a_bundle_imports_every_ca(sysadmin: Actor, test_pki: TestPki, login_as: LoginAs) -> None:
    bundle = test_pki.root_pem + test_pki.intermediate_pem
    assert _import(login_as(sysadmin), bundle).status_code == 302
    assert TrustedRoot.objects.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    (b"khong phai chung thu", "Không đọc được chứng thư số"),
    (b"", "Hãy chọn tệp hoặc dán nội dung PEM"),
])
def test_unreadable_input_is_refused(sysadmin: Actor, login_as: LoginAs, data: bytes, message: str) -> None:
    client = login_as(sysadmin)
    response = (_import(client, data) if data else client.post(reverse("web:signing_trust_root_import"), {}))
    assert response.status_code == 200
    assert message in _text(response)
    assert _state() == []


def test_a_certificate_that_is_not_a_ca_is_refused(sysadmin: Actor, test_pki: TestPki, login_as: LoginAs) -> None:
    response = _import(login_as(sysadmin), test_pki.identity("person-rsa").cert_pem)
    assert response.status_code == 200
    assert "không phải của tổ chức cung cấp dịch vụ chứng thực (CA)" in _text(response)
    assert _state() == []


def test_a_bundle_with_one_non_ca_stores_nothing(sysadmin: Actor, test_pki: TestPki, login_as: LoginAs) -> None:
    bundle = test_pki.root_pem + test_pki.identity("person-rsa").cert_pem
    assert _import(login_as(sysadmin), bundle).status_code == 200
    assert _state() == []


def test_an_oversized_file_is_refused(sysadmin: Actor, login_as: LoginAs) -> None:
    response = _import(login_as(sysadmin), b"-" * (512 * 1024 + 1))
    assert "Tệp vượt quá 512 KB." in _text(response)
    assert _state() == []


def test_deactivate_and_activate_a_root(sysadmin: Actor, test_pki: TestPki, login_as: LoginAs) -> None:
    client = login_as(sysadmin)
    _import(client, test_pki.root_pem)
    root = TrustedRoot.objects.get()
    url = reverse("web:signing_trust_root_toggle", args=[root.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    root.refresh_from_db()
    assert not root.is_active
    assert "Đã tắt" in _text(client.get(reverse("web:signing_trust_roots")))
    assert client.post(url, {"active": "1"}).status_code == 302
    root.refresh_from_db()
    assert root.is_active


def test_toggling_a_missing_root_is_not_found(sysadmin: Actor, login_as: LoginAs) -> None:
    assert login_as(sysadmin).post(reverse("web:signing_trust_root_toggle", args=[9999]),
                                   {"active": "0"}).status_code == 404


def test_a_superuser_without_membership_is_a_system_administrator(test_pki: TestPki, login_as: LoginAs) -> None:
    user = user_create(actor=None, username="root.admin", full_name="Root", password="Mat-khau-dai-123")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client = login_as(actor_for(user))
    assert client.get(reverse("web:signing_trust_roots")).status_code == 200
    assert _import(client, test_pki.root_pem).status_code == 302


@pytest.mark.parametrize("role", ["admin", "clerk", "leader", "specialist"])
def test_other_roles_are_refused_and_change_nothing(kit: AgencyKit, sysadmin: Actor, test_pki: TestPki,
                                                    login_as: LoginAs, role: str) -> None:
    _import(login_as(sysadmin), test_pki.root_pem)
    root = TrustedRoot.objects.get()
    before = _state()
    client = login_as(getattr(kit, role))
    assert client.get(reverse("web:signing_trust_roots")).status_code == 403
    assert _import(client, test_pki.intermediate_pem).status_code == 403
    assert client.post(reverse("web:signing_trust_root_toggle", args=[root.pk]), {"active": "0"}).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("name", ["signing_trust_roots", "signing_trust_root_import"])
def test_anonymous_is_sent_to_login(client: Client, test_pki: TestPki, name: str) -> None:
    url = reverse(f"web:{name}")
    response = client.get(url) if name == "signing_trust_roots" else _import(client, test_pki.root_pem)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert _state() == []


@pytest.mark.parametrize(("role", "links"), [
    ("specialist", {"nav-signing-mine", "nav-signing-check"}),
    ("clerk", {"nav-signing-mine", "nav-signing-agency", "nav-signing-check"}),
    ("admin", {"nav-signing-mine", "nav-signing-agency", "nav-signing-check"}),
])
def test_the_account_menu_links_the_signing_pages_by_role(kit: AgencyKit, login_as: LoginAs, role: str,
                                                          links: set[str]) -> None:
    page = _text(login_as(getattr(kit, role)).get(reverse("web:home")))
    shown = {name for name in ("nav-signing-mine", "nav-signing-agency", "nav-signing-roots", "nav-signing-check")
             if f'id="{name}"' in page}
    assert shown == links


def test_the_account_menu_links_the_trust_store_for_system_administrators(sysadmin: Actor,
                                                                          login_as: LoginAs) -> None:
    page = _text(login_as(sysadmin).get(reverse("web:signing_check")))
    assert f'href="{reverse("web:signing_trust_roots")}" id="nav-signing-roots"' in page
