"""Forwarded headers (X-Forwarded-For, X-Real-IP, X-Forwarded-Proto) count only from a trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from vanthu.core.checks import https_behind_a_trusted_proxy
from vanthu.core.http.client import ForwardedHeadersMiddleware, client_address

PROXY = "10.0.0.5"


def _request(peer: str, **headers: Any) -> HttpRequest:
    return RequestFactory().get("/", REMOTE_ADDR=peer, headers=headers)


def _through_middleware(request: HttpRequest) -> HttpRequest:
    seen: list[HttpRequest] = []

    def view(inner: HttpRequest) -> HttpResponse:
        seen.append(inner)
        return HttpResponse()

    ForwardedHeadersMiddleware(view)(request)
    return seen[0]


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    request = _request("203.0.113.9", x_forwarded_for="198.51.100.1", x_real_ip="198.51.100.2")
    assert client_address(request) == "203.0.113.9"


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY])
def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_another_client() -> None:
    request = _request("203.0.113.9", x_forwarded_for="198.51.100.1")
    assert client_address(request) == "203.0.113.9"


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client() -> None:
    # The client wrote "1.1.1.1" itself; our proxy appended the address it really saw.
    request = _request(PROXY, x_forwarded_for="1.1.1.1, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


@override_settings(VANTHU_TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right() -> None:
    request = _request("10.0.0.1", x_forwarded_for="1.1.1.1, 198.51.100.7, 10.0.0.9")
    assert client_address(request) == "198.51.100.7"


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY])
def test_x_real_ip_from_a_trusted_proxy_is_used_when_there_is_no_x_forwarded_for() -> None:
    assert client_address(_request(PROXY, x_real_ip="198.51.100.8")) == "198.51.100.8"


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY])
def test_an_unreadable_hop_stops_the_walk_at_the_last_readable_one() -> None:
    request = _request(PROXY, x_forwarded_for="198.51.100.7, not-an-address")
    assert client_address(request) == PROXY


@override_settings(VANTHU_TRUSTED_PROXIES=["2001:db8::/32"])
def test_ipv6_proxies_and_clients_with_ports_are_understood() -> None:
    request = _request("2001:db8::1", x_forwarded_for="[2001:db9::5]:51234")
    assert client_address(request) == "2001:db9::5"


@override_settings(VANTHU_TRUSTED_PROXIES=["10.0.0.300"])
def test_a_malformed_trusted_proxy_setting_stops_the_server_at_start() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.300"):
        ForwardedHeadersMiddleware(lambda request: HttpResponse())


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY])
def test_forwarded_headers_of_an_untrusted_peer_never_reach_the_views() -> None:
    request = _through_middleware(_request("203.0.113.9", x_forwarded_for="198.51.100.1", x_real_ip="198.51.100.2",
                                           x_forwarded_proto="https", x_forwarded_host="evil.example"))
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_PROTO",
                "HTTP_X_FORWARDED_HOST"} & set(request.META)


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_claimed_by_an_untrusted_peer_is_not_believed() -> None:
    assert _through_middleware(_request("203.0.113.9", x_forwarded_proto="https")).is_secure() is False


@override_settings(VANTHU_TRUSTED_PROXIES=[PROXY], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_reported_by_the_trusted_proxy_is_believed() -> None:
    assert _through_middleware(_request(PROXY, x_forwarded_proto="https")).is_secure() is True


@override_settings(SECURE_SSL_REDIRECT=True, VANTHU_TRUSTED_PROXIES=[])
def test_https_without_a_trusted_proxy_is_refused_at_start() -> None:
    assert [message.id for message in https_behind_a_trusted_proxy()] == ["vanthu.E001"]


@override_settings(SECURE_SSL_REDIRECT=True, VANTHU_TRUSTED_PROXIES=["127.0.0.1"])
def test_https_behind_a_trusted_proxy_starts() -> None:
    assert https_behind_a_trusted_proxy() == []
