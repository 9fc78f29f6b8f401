"""The demo's sociological survey: a questionnaire for the internal framework's survey leaves,
a sample plan, deterministic forms for the 2024 cycle, a few respondent links, and the
aggregation written into the cycle's survey leaves (then the cycle is recomputed)."""

from __future__ import annotations

import random
from collections.abc import Callable

from parindex.accounts.selectors import par_admins
from parindex.assessments.demo import unit_quality
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from . import jobs, services
from .models import SurveyForm
from .selectors import core_questionnaire

YEAR = 2024
GROUPS = (
    # code, title, min_n, weight, target, (fewest, most) forms per unit in the demo
    ("LD", "Lãnh đạo, quản lý", 3, 1, 5, (1, 6)),
    ("CC", "Công chức, viên chức", 5, 1, 10, (3, 12)),
    ("ND", "Người dân, tổ chức", 10, 2, 30, (6, 34)),
)
SCALE = '{"Rất tốt": 100, "Tốt": 75, "Bình thường": 50, "Kém": 0, "Không biết": null}'
# (leaf, question text, groups asked)
QUESTIONS = (
    ("1.5", "Người đứng đầu đơn vị quan tâm, chỉ đạo công tác CCHC", ("LD", "CC")),
    ("1.5", "Kế hoạch CCHC của đơn vị được triển khai nghiêm túc", ("CC",)),
    ("2.5", "Văn bản do đơn vị tham mưu, ban hành phù hợp thực tiễn", ("LD", "CC", "ND")),
    ("3.6.1", "Mức độ hài lòng khi giải quyết thủ tục hành chính", ("ND",)),
    ("3.6.1", "Thời gian giải quyết hồ sơ đúng hẹn", ("ND",)),
    ("3.6.2", "Thái độ phục vụ của công chức tiếp nhận hồ sơ", ("ND",)),
    ("5.6", "Tinh thần, trách nhiệm của công chức trong thi hành công vụ", ("LD", "CC")),
    ("6.3", "Công khai, minh bạch tài chính công của đơn vị", ("LD", "CC")),
    ("7.5", "Hiệu quả của dịch vụ công trực tuyến", ("CC", "ND")),
    ("8.3.1", "Tác động của CCHC đến phát triển kinh tế - xã hội", ("LD", "CC", "ND")),
    ("8.3.2", "Mức độ hài lòng chung đối với chính quyền", ("ND",)),
)
OPTIONS = ("Rất tốt", "Tốt", "Bình thường", "Kém")


def questionnaire_text() -> str:
    lines = [
        "format: parindex.survey/1",
        "code: khao-sat-cchc-noi-bo",
        'version: "2024"',
        'framework: {code: province-internal, version: "2024"}',
        'title: {vi: "Phiếu khảo sát xã hội học Chỉ số CCHC năm 2024", '
        'en: "PAR Index sociological survey 2024"}',
        f"scale: {SCALE}",
        "groups:",
    ]
    for code, title, min_n, weight, _, _ in GROUPS:
        lines.append(f'  - {{code: {code}, title: "{title}", min_n: {min_n}, weight: {weight}}}')
    lines.append("questions:")
    for n, (leaf, text, groups) in enumerate(QUESTIONS, start=1):
        lines.append(
            f'  - {{code: C{n:02d}, text: "{text}", leaf: "{leaf}", groups: [{", ".join(groups)}]}}'
        )
    return "\n".join(lines) + "\n"


def _answer(rng: random.Random, quality: float) -> str:
    draw = rng.random()
    if draw < 0.04:
        return ""  # not answered
    if draw < 0.08:
        return "Không biết"
    score = min(0.99, max(0.0, quality + rng.uniform(-0.25, 0.15)))
    return OPTIONS[min(3, int((1 - score) * 4))]


def build(*, log: Callable[[str], None] = print) -> None:
    admin = next(iter(par_admins()), None)
    cycle = (
        Cycle.objects.filter(year=YEAR, framework_version__code="province-internal")
        .order_by("pk")
        .first()
    )
    if admin is None or cycle is None:
        raise RuntimeError("the province demo must run first")
    questionnaire = services.questionnaire_import(
        cycle=cycle, text=questionnaire_text(), source_name="khao-sat-2024.yaml", user=admin
    )
    core = core_questionnaire(questionnaire)
    units = list(cycle.units.order_by("code"))
    services.plan_set(
        questionnaire=questionnaire,
        targets={(u.pk, code): target for u in units for code, _, _, _, target, _ in GROUPS},
        user=admin,
    )
    forms: list[SurveyForm] = []
    for unit in units:
        rng = random.Random(f"survey:{YEAR}:{unit.code}")
        quality = unit_quality(unit.code, YEAR)
        for code, _, _, _, _, (fewest, most) in GROUPS:
            for _ in range(rng.randint(fewest, most)):
                answers = {q.code: _answer(rng, quality) for q in core.questions_for(code)}
                forms.append(
                    SurveyForm(
                        questionnaire=questionnaire,
                        response_id=f"kobo-{YEAR}-{len(forms) + 1:05d}",
                        unit=unit,
                        group_code=code,
                        answers={k: v for k, v in answers.items() if v},
                        channel=SurveyForm.Channel.IMPORT,
                    )
                )
    SurveyForm.objects.bulk_create(forms, batch_size=2000)
    for unit in units[:2]:
        services.links_issue(
            questionnaire=questionnaire, unit=unit, group_code="ND", count=5, user=admin
        )
    job = services.aggregate_prepare(questionnaire=questionnaire, user=admin)
    jobs.run(job.pk)
    job.refresh_from_db()
    services.questionnaire_release(questionnaire=questionnaire, released=True, user=admin)
    fw = core_framework(cycle.framework_version)
    survey_leaves = sum(1 for n in fw.leaves if n.source == "survey")
    log(
        f"survey {YEAR}: {len(forms)} forms over {len(units)} units, {survey_leaves} survey "
        f"leaves aggregated ({job.get_state_display()}), cycle recomputed"
    )
