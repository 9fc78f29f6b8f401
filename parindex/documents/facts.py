"""What every document says of its cycle above the table: the cycle, the framework version and
the decision that published the results (*quyết định công bố*), or that they are not
published."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from parindex.appraisals.models import Council
from parindex.core import Framework
from parindex.cycles.models import Cycle

from .tables import Fact


def decision_date(cycle: Cycle) -> datetime.date | None:
    """The date of the publication decision, kept with the cycle's council when it published."""
    return Council.objects.filter(cycle=cycle).values_list("decision_date", flat=True).first()


def cycle_facts(cycle: Cycle, fw: Framework, language: str) -> list[Fact]:
    facts = [
        Fact(_("Cycle"), cycle.title),
        Fact(_("Framework"), f"{fw.title.get(language)} ({fw.code} {fw.version})"),
    ]
    if not cycle.is_published:
        facts.append(Fact(_("State"), _("Not published: a draft for authorised people only")))
        return facts
    if cycle.publication_decision:
        facts.append(Fact(_("Publication decision"), cycle.publication_decision))
    day = decision_date(cycle)
    if day is not None:
        facts.append(Fact(_("Date of the decision"), day))
    return facts
