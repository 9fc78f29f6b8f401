"""Personas the audit and notification tests need beyond the shared ones of conftest.py.

Not a test module: plain builders, used through ``client_as``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from parindex.accounts.models import Role, User

from .factories import World, browse, person

EXTRA = {
    "par_admin": lambda world: person("par.admin", Role.PAR_ADMIN),
    "council": lambda world: person("council", Role.COUNCIL),
    "appraiser": lambda world: person("appraiser", Role.APPRAISER),
    "head_a": lambda world: person("head.a", Role.UNIT_HEAD, world.unit_a),
    "nobody": lambda world: person("nobody"),
}


def client_as(name: str, world: World, visit: Callable[[str], Client]) -> Client:
    """A signed-in client for a shared persona (conftest) or one of ``EXTRA``."""
    if name in EXTRA:
        return browse(extra_user(name, world))
    return visit(name)


def extra_user(name: str, world: World) -> User:
    existing = User.objects.filter(username=name.replace("_", ".")).first()
    return existing or EXTRA[name](world)
