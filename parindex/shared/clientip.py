"""The client's address, as far as this server can trust it.

Behind ``settings.PROXY_COUNT`` reverse proxies that each append the address they received the
request from to ``X-Forwarded-For`` (nginx: ``proxy_set_header X-Forwarded-For
$proxy_add_x_forwarded_for``), the header ends with N addresses written by our proxies: the
N-th from the right is the client as the outermost proxy saw it. Everything to its left was sent
by the client and may be made up, so it is never read. Without proxies the header is ignored
altogether and the address is the peer's, ``REMOTE_ADDR``.

Used by login throttling (``AXES_CLIENT_IP_CALLABLE``) and password-reset throttling.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address; the peer's address when the header does not hold a valid one
    at the trusted position (a request that did not come through all the proxies)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < count:
        return remote
    candidate = hops[-count].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
