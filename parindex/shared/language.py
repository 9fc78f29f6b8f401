"""The language a request is served in."""

from django.utils.translation import get_language


def lang() -> str:
    """The active language code, Vietnamese when none is active (e.g. outside a request)."""
    return get_language() or "vi"
