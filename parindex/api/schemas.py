"""What the API sends and receives. Points, maxima and indices are decimal text (``"2.25"``),
exactly as stored, never binary floating-point numbers; dates and times are ISO 8601."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

DecimalText = str  # decimal text, e.g. "87.50"

MAX_BATCH = 500  # values in one batch: a whole framework's leaves fit several times


# -- frameworks --------------------------------------------------------------------------------


class FrameworkOut(Schema):
    id: int
    code: str
    version: str
    title_vi: str
    title_en: str
    legal_basis: str
    sha256: str
    max_total: DecimalText
    imported_at: datetime.datetime


class NodeOut(Schema):
    code: str
    parent_code: str
    depth: int
    title_vi: str
    title_en: str
    kind: str
    max: DecimalText
    is_leaf: bool
    rule_type: str
    evidence: str
    source: str
    allow_na: bool
    applies_to: list[str] | None
    feed: str | None = Field(None, description="The system the leaf's value comes from (x-feed).")


class FrameworkDetailOut(FrameworkOut):
    nodes: list[NodeOut]


# -- units -------------------------------------------------------------------------------------


class UnitOut(Schema):
    code: str
    name: str
    type: str
    group: str
    parent: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class SuccessionOut(Schema):
    unit: str
    name: str
    date: datetime.date
    kind: str
    legal_basis: str


class UnitDetailOut(UnitOut):
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]


# -- cycles, calendars and results ---------------------------------------------------------------


class CycleOut(Schema):
    id: int
    year: int
    title: str
    state: str
    framework_version: int
    published_at: datetime.datetime | None
    publication_decision: str


class StageOut(Schema):
    stage: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class CycleDetailOut(CycleOut):
    units: list[str]
    calendar: list[StageOut]


class RankingRowOut(Schema):
    unit: str
    name: str
    group: str
    points: DecimalText
    max: DecimalText
    index: DecimalText | None
    rank: int | None
    band: str
    areas: dict[str, DecimalText | None]


class ResultsOut(Schema):
    cycle: int
    year: int
    published: bool
    basis: str
    bases: list[str]
    results: list[RankingRowOut]


class NodeFiguresOut(Schema):
    points: DecimalText | None
    max: DecimalText | None
    index: DecimalText | None


class UnitResultOut(Schema):
    cycle: int
    unit: str
    name: str
    basis: str
    group: str
    points: DecimalText
    max: DecimalText
    index: DecimalText | None
    rank: int | None
    band: str
    nodes: dict[str, NodeFiguresOut]
    leaves: dict[str, dict[str, Any]] = Field(
        description="Per leaf: the value, its status, the points and the explanation (vi, en)."
    )
    missing: list[str]


# -- self-assessment ---------------------------------------------------------------------------


class DeadlineOut(Schema):
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    is_open: bool


class AssessmentOut(Schema):
    cycle: int
    year: int
    unit: str
    name: str
    state: str
    submitted_at: datetime.datetime | None


class FedOut(Schema):
    source: str
    fed_at: datetime.datetime
    token_name: str


class LeafValueOut(Schema):
    leaf: str
    title_vi: str
    declared: bool = Field(description="False for a survey leaf: the unit does not declare it.")
    rule_type: str
    max: DecimalText
    value: str
    version: int = Field(description="Send it back with a change: a stale version gets 409.")
    points: DecimalText | None
    updated_at: datetime.datetime | None
    updated_by: str | None
    feed: str | None = Field(None, description="The system the value should come from (x-feed).")
    fed: FedOut | None = Field(None, description="Set while the value is the one a feed sent.")
    evidence: list[int]


class AssessmentDetailOut(AssessmentOut):
    version: int
    editable: bool
    deadline: DeadlineOut
    points: DecimalText
    max: DecimalText
    index: DecimalText | None
    leaves: list[LeafValueOut]


class ValueIn(Schema):
    value: str = Field(max_length=200, description="As typed on the page: 85/100, có, 3, n/a…")
    version: int = Field(ge=0, le=2**31, description="The version read with the value (0: none).")


class BatchItemIn(ValueIn):
    leaf: str = Field(min_length=1, max_length=40)


class BatchIn(Schema):
    values: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH)


class SavedOut(Schema):
    applied: list[str]
    unchanged: int
    values: list[LeafValueOut]


class ProblemOut(Schema):
    leaf: str
    detail: str


class ProblemsOut(Schema):
    detail: str | list[Any]
    problems: list[ProblemOut] = []


class ConflictOut(Schema):
    leaf: str
    attempted: str
    value: str = Field(description="The value stored now.")
    version: int = Field(description="The version stored now.")
    updated_at: datetime.datetime | None
    updated_by: str | None


class ConflictsOut(Schema):
    detail: str
    conflicts: list[ConflictOut]


# -- evidence ----------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    unit: str
    kind: str
    title: str
    original_name: str
    content_type: str | None
    size: int | None
    sha256: str | None
    number: str
    issued_on: datetime.date | None
    issuer: str
    uploaded_at: datetime.datetime


class LinkIn(Schema):
    evidence: int = Field(ge=1, le=2**63 - 1)


class LinkOut(Schema):
    leaf: str
    evidence: int
    linked_at: datetime.datetime


# -- plans -------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    number: str
    title: str
    issued_on: datetime.date
    issuer: str
    start_year: int
    end_year: int
    published: bool


class TaskOut(Schema):
    id: int
    plan: int
    title: str
    lead_agency: str
    status: str
    start_date: datetime.date
    deadline: datetime.date
    overdue: bool
    expected_points: DecimalText | None
    node_codes: list[str]
    percent: int | None


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut]


class ReportOut(Schema):
    id: int
    reported_on: datetime.date
    text: str
    percent: int
    author: str
    evidence: list[int]


class TaskDetailOut(TaskOut):
    reports: list[ReportOut]


class StatusIn(Schema):
    status: str = Field(max_length=20, description="not_started, in_progress or done")


class ReportIn(Schema):
    reported_on: datetime.date
    text: str = Field(min_length=1, max_length=5000)
    percent: int = Field(ge=0, le=100)
    evidence: list[int] = Field(
        default=[], max_length=50, description="Documents of the lead agency's library."
    )


# -- surveys -----------------------------------------------------------------------------------


class QuestionnaireOut(Schema):
    id: int
    cycle: int
    code: str
    version: str
    title_vi: str
    forms: int
    released_at: datetime.datetime | None
    aggregated_at: datetime.datetime | None


class JobOut(Schema):
    id: int
    kind: str
    state: str
    step: str
    done: int
    total: int
    percent: int
    errors: list[str]
    error_count: int
    file_name: str
    forms_added: int
    forms_present: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
