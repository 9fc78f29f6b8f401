"""Writes of the rank uncertainty: queue a run (audited), finish it, and fail the runs whose
worker stopped. The figures come from ``parindex.core.rank_uncertainty`` (see ``jobs``)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.core.rank_uncertainty import MAX_DRAWS, MAX_RANKS
from parindex.cycles.models import Cycle
from parindex.shared.jobs import stale_running
from parindex.shared.numbers import format_number

from .models import RankUncertaintyRun

MIN_DRAWS = 100
SEED_LIMIT = 2**63  # a seed is stored in a signed 64-bit column
UNDER_WAY = (RankUncertaintyRun.State.QUEUED, RankUncertaintyRun.State.RUNNING)


class RunRefused(Exception):
    """Settings a run does not take; the message is for the person."""


@transaction.atomic
def run_request(
    *,
    cycle: Cycle,
    user: User,
    draws: int,
    level: int,
    seed: int | None = None,
    keep_percent: int | None = None,
) -> tuple[RankUncertaintyRun, bool]:
    """Queue a run of the cycle, or give the one under way (``False``: nothing was queued; the
    caller starts a new run's job in this transaction). Without a seed one is drawn, and kept:
    the run can be reproduced. Audited, with every setting."""
    runs_sweep_stale(cycle=cycle)
    under_way = (
        RankUncertaintyRun.objects.select_for_update()
        .filter(cycle=cycle, state__in=UNDER_WAY)
        .first()
    )
    if under_way is not None:
        return under_way, False
    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise RunRefused(
            _("The number of draws lies between %(low)s and %(high)s.")
            % {"low": format_number(MIN_DRAWS), "high": format_number(MAX_DRAWS)}
        )
    units = cycle.units.count()
    if draws * units > MAX_RANKS:
        raise RunRefused(
            _("A cycle of %(units)s units takes at most %(draws)s draws.")
            % {"units": format_number(units), "draws": format_number(MAX_RANKS // units)}
        )
    if not 50 <= level <= 99:
        raise RunRefused(_("The interval level lies between 50 and 99 %."))
    if keep_percent is not None and not 0 <= keep_percent <= 100:
        raise RunRefused(_("A probability lies between 0 and 100 %."))
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif not 0 <= seed < SEED_LIMIT:
        raise RunRefused(
            _("A seed is a whole number from 0 to %(limit)s.")
            % {"limit": format_number(SEED_LIMIT - 1)}
        )
    run = RankUncertaintyRun.objects.create(
        cycle=cycle,
        draws=draws,
        seed=seed,
        level=level,
        keep_percent=keep_percent,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="uncertainty.run",
        target=run,
        after={"draws": draws, "seed": seed, "level": level, "keep_percent": keep_percent},
        cycle_id=cycle.pk,
    )
    return run, True


def run_progress(*, run: RankUncertaintyRun, done: int) -> None:
    """Record how many draws a running run has made, with its heartbeat."""
    RankUncertaintyRun.objects.filter(pk=run.pk, state=RankUncertaintyRun.State.RUNNING).update(
        done=done, heartbeat_at=timezone.now()
    )


def run_finish(
    *, run: RankUncertaintyRun, results: dict[str, Any], inputs_sha256: str, forms: int
) -> bool:
    """Store a run's results; False when the run is no longer running (its worker was taken
    for dead meanwhile)."""
    return bool(
        RankUncertaintyRun.objects.filter(pk=run.pk, state=RankUncertaintyRun.State.RUNNING).update(
            state=RankUncertaintyRun.State.DONE,
            done=run.draws,
            results=results,
            inputs_sha256=inputs_sha256,
            forms=forms,
            finished_at=timezone.now(),
        )
    )


def run_fail(*, run: RankUncertaintyRun, errors: list[str]) -> None:
    RankUncertaintyRun.objects.filter(pk=run.pk, state=RankUncertaintyRun.State.RUNNING).update(
        state=RankUncertaintyRun.State.FAILED, errors=errors, finished_at=timezone.now()
    )


def runs_sweep_stale(*, cycle: Cycle | None = None) -> int:
    """Fail the running runs whose worker gave no sign of life for
    ``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` seconds (nothing of them was stored); returns how many."""
    stale = stale_running(RankUncertaintyRun.objects.all())
    if cycle is not None:
        stale = stale.filter(cycle=cycle)
    if not stale.exists():
        return 0
    return stale.update(
        state=RankUncertaintyRun.State.FAILED, interrupted=True, finished_at=timezone.now()
    )
