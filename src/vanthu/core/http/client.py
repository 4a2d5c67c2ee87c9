"""The client's address, and the one place that decides whether forwarded headers are believed.

A reverse proxy (nginx, HAProxy, a load balancer) in front of Vanthu says who the client is in ``X-Forwarded-For`` or
``X-Real-IP`` and whether it spoke HTTPS in ``X-Forwarded-Proto``. Anyone can send those headers, so they count only
when the direct peer (``REMOTE_ADDR``) is one of ``VANTHU_TRUSTED_PROXIES`` (addresses or networks, none by
default). From any other peer :class:`ForwardedHeadersMiddleware` removes them before anything reads them: Django's
``SECURE_PROXY_SSL_HEADER``, the login guard (django-axes, through ``AXES_CLIENT_IP_CALLABLE``), logging.

``vanthu serve`` runs uvicorn with its own proxy-header handling off, so ``REMOTE_ADDR`` is always the TCP peer.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Every request header through which a client could claim another address, host or scheme.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED",
)


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"VANTHU_TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network (CIDR)"
            ) from exc
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "VANTHU_TRUSTED_PROXIES", ())))


def _address(text: str) -> Address | None:
    """An address as proxies write it: bare, ``1.2.3.4:port`` or ``[v6]:port``; None when it is none of these."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        text = text[1:end] if end > 0 else ""
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _within(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def is_trusted_proxy(peer: str | None) -> bool:
    return _within(_address(peer or ""), trusted_proxies())


def client_address(request: HttpRequest) -> str:
    """The address a login guard, an audit row or a log line should name.

    The TCP peer, unless that peer is a trusted proxy: then ``X-Forwarded-For`` is read from the right, where each
    proxy appended the address it received the request from, and the first address that is not one of our proxies
    is the client. Everything left of it was written by the client and proves nothing. ``X-Real-IP`` (nginx's
    single-value header) is used when there is no ``X-Forwarded-For``.
    """
    peer = request.META.get("REMOTE_ADDR") or ""
    proxies = trusted_proxies()
    if not _within(_address(peer), proxies):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        real = _address(request.META.get("HTTP_X_REAL_IP", ""))
        return str(real) if real is not None else peer
    client = peer
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break  # an unreadable hop: the chain cannot be followed further
        client = str(address)
        if not _within(address, proxies):
            break
    return client


class ForwardedHeadersMiddleware:
    """First in the chain: forwarded headers from a peer that is not a trusted proxy are dropped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        trusted_proxies()  # a malformed VANTHU_TRUSTED_PROXIES stops the server at start, not at a request

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)
