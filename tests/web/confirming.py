"""Acting through a confirmation page, as a person does: irreversible and bulk actions answer a
GET with a page counting what will happen, and act only on the POST carrying that page's
``confirm`` token."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

TOKEN = re.compile(r'name="confirm" value="([0-9a-f]+)"')


def confirm_token(client: Client, url: str, query: dict[str, str] | None = None) -> str:
    """The token of the confirmation page at ``url`` (with its GET ``query``)."""
    page = client.get(url, query or {})
    assert page.status_code == 200, page.status_code
    found = TOKEN.search(page.content.decode())
    assert found is not None, "the page offers no confirmation"
    return found.group(1)


def confirmed_post(
    client: Client, url: str, data: dict[str, Any] | None = None, **extra: Any
) -> Any:
    """POST ``data`` to ``url`` with the token its confirmation page shows now (the page is
    read with ``data``'s plain values as its query, as the filters of a bulk action)."""
    data = dict(data or {})
    query = {k: v for k, v in data.items() if isinstance(v, str)}
    data["confirm"] = confirm_token(client, url, query)
    return client.post(url, data, **extra)


def post_from_page(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST as from the confirmation page when the client is shown one with a form (the token
    of what it counts), else as a bare POST: for access matrices, where the refused personas
    never see the page and must be refused all the same."""
    data = dict(data or {})
    query = {k: v for k, v in data.items() if isinstance(v, str)}
    page = client.get(url, query)
    found = TOKEN.search(page.content.decode()) if page.status_code == 200 else None
    if found is not None:
        data["confirm"] = found.group(1)
    return client.post(url, data)
