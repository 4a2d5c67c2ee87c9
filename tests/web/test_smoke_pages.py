from __future__ import annotations

import pytest
from django.urls import reverse

from tests.builders import AgencyKit, registered_document
from tests.web.conftest import LoginAs, delegate_to_specialist

pytestmark = pytest.mark.django_db


def test_main_pages_render_in_vietnamese_for_each_role(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    delegate_to_specialist(kit, document)
    for actor in (kit.clerk, kit.leader, kit.finance_head, kit.specialist):
        client = login_as(actor)
        for url in (reverse("web:home"), reverse("web:incoming_list"),
                    reverse("web:incoming_detail", args=[document.pk]),
                    reverse("web:incoming_slip", args=[document.pk])):
            response = client.get(url)
            assert response.status_code == 200, (actor.user.username, url)
            assert "Quản lý văn bản và điều hành" in response.content.decode() or "PHIẾU" in response.content.decode()
