from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import AgencyKit
from vanthu.core.paging import CappedPaginator
from vanthu.organizations.models import Role

pytestmark = pytest.mark.django_db


def test_small_lists_are_counted_exactly() -> None:
    paginator = CappedPaginator(Role.objects.order_by("code"), 4, cap=100)
    assert paginator.count == Role.objects.count()
    assert not paginator.is_capped


def test_long_lists_stop_counting_at_the_cap_but_still_offer_the_next_page() -> None:
    paginator = CappedPaginator(Role.objects.order_by("code"), 2, requested_page=2, cap=3)
    assert paginator.is_capped and paginator.shown_count == 4
    page = paginator.get_page(2)
    assert page.has_next()


def test_the_cap_grows_with_the_requested_page() -> None:
    paginator = CappedPaginator(Role.objects.order_by("code"), 2, requested_page=4, cap=3)
    page = paginator.get_page(4)
    assert [r.code for r in page.object_list] == [r.code for r in Role.objects.order_by("code")[6:8]]
    assert page.has_next() == (Role.objects.count() > 8)


def test_count_query_is_limited(kit: AgencyKit) -> None:
    paginator = CappedPaginator(Role.objects.order_by("code"), 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 4
    assert "LIMIT" in queries[0]["sql"].upper()


def test_list_page_says_more_than_when_capped(client: object, kit: AgencyKit, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from tests.builders import registered_document
    from vanthu.core import paging

    for _ in range(3):
        registered_document(kit)
    monkeypatch.setattr(paging.CappedPaginator, "__init__", _small_cap_init)
    assert isinstance(client, Client)
    client.force_login(kit.clerk.user)
    html = client.get("/van-ban-den/").content.decode()
    assert "Hơn 2 văn bản" in html


def _small_cap_init(self: CappedPaginator, object_list: object, per_page: int, *, requested_page: object = 1,
                    cap: int = 1000) -> None:
    super(CappedPaginator, self).__init__(object_list, 1)
    self.cap = 2
