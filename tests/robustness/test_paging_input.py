"""The web list survives any ``?page=``: huge, negative or non-numeric values read as a page that exists."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.builders import AgencyKit, registered_document
from vanthu.core.paging import MAX_PAGE, requested_page_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "-1", "0", "abc", "1e9", "",
                                  "９"])
def test_list_page_answers_200_for_any_page_parameter(client: Client, kit: AgencyKit, page: str) -> None:
    registered_document(kit, subject="Về việc kiểm tra phân trang")
    client.force_login(kit.clerk.user)
    response = client.get("/van-ban-den/", {"page": page})
    assert response.status_code == 200
    assert "Về việc kiểm tra phân trang" in response.content.decode()


@pytest.mark.parametrize(("raw", "expected"), [
    ("3", 3), (" 7 ", 7), ("0", 1), ("-5", 1), ("x", 1), (None, 1), ("1.5", 1),
    (str(10**20), MAX_PAGE), (10**30, MAX_PAGE),
])
def test_requested_page_is_clamped_before_any_arithmetic(raw: object, expected: int) -> None:
    assert requested_page_number(raw) == expected
