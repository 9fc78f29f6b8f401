"""The settings of a run, as the PAR administrator gives them on the ranking page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.core.rank_uncertainty import MAX_DRAWS

from .services import MIN_DRAWS, SEED_LIMIT

DEFAULT_DRAWS = 1000
DEFAULT_LEVEL = 90


class RunForm(forms.Form):
    draws = forms.IntegerField(
        label=_("Draws"), min_value=MIN_DRAWS, max_value=MAX_DRAWS, initial=DEFAULT_DRAWS
    )
    level = forms.IntegerField(
        label=_("Interval level (%)"), min_value=50, max_value=99, initial=DEFAULT_LEVEL
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=SEED_LIMIT - 1,
        required=False,
        help_text=_("Empty: a new seed is drawn and recorded. The same seed repeats a run."),
    )
    keep_percent = forms.IntegerField(
        label=_("Appraised figure kept (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "Empty: the appraisal's figures are taken as they are. A number: each adjusted "
            "leaf keeps its appraised figure with this probability, else the declared one."
        ),
    )
