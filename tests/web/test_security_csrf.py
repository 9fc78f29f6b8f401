"""CSRF: every state change needs the form's token.

Every URL that serves POST (the access table of ``test_security_urls``) is posted without a token,
as a person allowed to post it, by a client that enforces the CSRF checks: each answers 403
before the view runs. No view is exempt from the check except the upload views that must
install the size limit before the body is read; each of those checks the token itself right
after (``csrf_protect`` on the inner function), which the same posts prove.
"""

from __future__ import annotations

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parindex.accounts.models import Role, User
from parindex.evidence.models import Evidence
from parindex.notifications.models import Notification

from . import evidence_fixtures as evidence_fx
from . import evidence_samples as samples
from .factories import World, person
from .test_security_urls import (
    ACCESS,
    ADMIN,
    ANON,
    APPRAISER,
    COUNCIL,
    OTHER,
    OWN,
    VIEWER,
    objects_build,
)

# Exempt from the middleware's check only to install the upload size limit first; the inner
# view is ``csrf_protect``-ed. A new exemption must be added here, with its reason.
EXEMPT_THEN_PROTECTED = {
    "evidence:upload",
    "assessments:evidence_upload",
    "assessments:submit",
    "assessments:excel_upload",
    "appraisals:reply",
    "appraisals:publish",  # the signed publication decision
    "appraisals:council_document",  # the minutes of a council meeting
    "plans:task_report",
}
ORDER = (OWN, ADMIN, APPRAISER, COUNCIL, VIEWER, OTHER, ANON)


def callbacks(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> dict[str, object]:
    found: dict[str, object] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= callbacks(pattern.url_patterns, inner)
        elif pattern.name:
            found[f"{namespace}{pattern.name}"] = pattern.callback
    return found


def test_only_the_upload_views_are_exempt_and_they_are_listed() -> None:
    # The API's views are exempt as a whole: they read a token from a header, never the session
    # cookie a forged cross-site request would carry (parindex.api.auth).
    exempt = {
        name
        for name, callback in callbacks().items()
        if getattr(callback, "csrf_exempt", False) and not name.startswith("api:")
    }
    assert exempt == EXEMPT_THEN_PROTECTED


def csrf_client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_every_post_without_a_token_is_refused(world: World, admin: User) -> None:
    o = objects_build(world, admin)
    users: dict[str, User | None] = {
        ANON: None,
        VIEWER: o.ap.viewer,
        ADMIN: person("par.admin", Role.PAR_ADMIN),
        OWN: o.ap.editor_a,
        OTHER: o.ap.editor_b,
        APPRAISER: o.ap.appraiser,
        COUNCIL: o.ap.council,
    }
    clients = {name: csrf_client(user) for name, user in users.items()}
    head = csrf_client(o.ap.head_a)  # the only one who submits unit A's self-assessment
    document = samples.pdf("Biên bản")
    problems = []
    posted = 0
    for name, access in ACCESS.items():
        if access.post is None:
            continue
        allowed = [p for p in ORDER if p in access.post]
        client = clients[allowed[0]] if allowed else head
        url = reverse(name, kwargs=access.args(o))
        data = {"file": evidence_fx.upload(document, "bien-ban.pdf"), "title": "Biên bản"}
        response = client.post(url, data)
        posted += 1
        if response.status_code != 403 or b"CSRF" not in response.content:
            problems.append(f"POST {name} {url}: {response.status_code}")
    assert not problems, problems
    assert posted > 60
    # Nothing happened: the upload views stored nothing, the notification is still unread.
    assert not Evidence.objects.filter(title="Biên bản").exists()
    assert Notification.objects.get(pk=o.notification.pk).read_at is None


def test_a_post_with_the_token_goes_through(world: World, admin: User) -> None:
    """The refusals above are the check's, not the views': with the token, the same upload
    view (exempt from the middleware, protected inside) stores the document."""
    editor = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    client = csrf_client(editor)
    library = f"/evidence/unit/{world.unit_a.code}/"
    client.get(library)
    token = client.cookies["csrftoken"].value
    upload = evidence_fx.upload(samples.pdf("Biên bản"), "bien-ban.pdf")
    response = client.post(
        library + "upload/", {"file": upload, "title": "Biên bản", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(unit=world.unit_a, title="Biên bản").exists()
