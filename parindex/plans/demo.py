"""Demo step: Kế hoạch số 252/KH-UBND ngày 19/9/2018 of the People's Committee of Tiền Giang,
"nâng cao chỉ số cải cách hành chính (Par index) tỉnh Tiền Giang giai đoạn 2018-2020".

From the published summary of the plan: its goals, its 9 contents and its 8 lead departments.
Not from the plan (illustrative, to show the features): which department leads which content
and task, the tasks' wording, nodes, dates, progress and the evidence references; the yearly
targets are derived from the stated goal "rank higher every year and reach the Khá group".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.evidence.services import evidence_reference
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit

from .models import Plan, PlanTarget, ProgressEvidence, ProgressReport
from .services import plan_create, target_set, task_create

GOALS = (
    "Nâng cao nhận thức, trách nhiệm của các tổ chức, cá nhân trên địa bàn tỉnh (đặc biệt là "
    "trách nhiệm của người đứng đầu các cơ quan, đơn vị, địa phương) trong công tác CCHC nói "
    "chung và trong xác định Chỉ số CCHC hàng năm của tỉnh nói riêng.\n"
    "Cải thiện và nâng cao Chỉ số CCHC tỉnh Tiền Giang giai đoạn 2018-2020 trên tất cả các lĩnh "
    "vực, tiến tới nâng vị trí xếp hạng Chỉ số CCHC của tỉnh năm sau cao hơn năm trước và nằm "
    "trong nhóm khá các tỉnh, thành phố trong cả nước."
)
D = datetime.date

# (content number, lead, coordinating, title, nodes, start, deadline, status, points, result,
#  reports as (date, percent, text))
TASKS = [
    (
        1,
        "SNV",
        ["VPUBND"],
        "Ban hành kế hoạch CCHC năm và kế hoạch kiểm tra CCHC đúng thời hạn",
        ["1.1", "1.3"],
        D(2018, 10, 1),
        D(2019, 1, 31),
        "done",
        "3.00",
        "Kế hoạch CCHC năm 2019, 2020 ban hành trước ngày 31/01",
        [(D(2019, 1, 25), 100, "Kế hoạch CCHC năm 2019 và kế hoạch kiểm tra đã ban hành.")],
    ),
    (
        1,
        "SNV",
        [],
        "Theo dõi, đôn đốc hoàn thành 100% nhiệm vụ CCHC được UBND tỉnh giao",
        ["1.4"],
        D(2019, 1, 1),
        D(2020, 12, 15),
        "done",
        "2.50",
        "100% nhiệm vụ hoàn thành đúng hạn",
        [
            (D(2019, 12, 20), 60, "Hoàn thành 92% nhiệm vụ năm 2019."),
            (D(2020, 12, 10), 100, "Hoàn thành 100% nhiệm vụ năm 2020."),
        ],
    ),
    (
        2,
        "STP",
        ["VPUBND"],
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật; công bố danh mục văn bản hết hiệu lực",
        ["2.2"],
        D(2018, 10, 1),
        D(2019, 6, 30),
        "done",
        "1.50",
        "Danh mục văn bản hết hiệu lực được công bố",
        [(D(2019, 6, 20), 100, "Đã công bố danh mục văn bản hết hiệu lực toàn bộ và một phần.")],
    ),
    (
        2,
        "STP",
        ["SNV"],
        "Kiểm tra, xử lý văn bản trái pháp luật",
        ["2.3"],
        D(2019, 1, 1),
        D(2020, 6, 30),
        "done",
        "1.50",
        "Không còn văn bản trái pháp luật chưa được xử lý",
        [(D(2020, 6, 25), 100, "Các văn bản phát hiện trái pháp luật đã được xử lý.")],
    ),
    (
        3,
        "VPUBND",
        ["STTTT"],
        "Công khai đầy đủ, kịp thời thủ tục hành chính trên Cổng dịch vụ "
        "công và tại Bộ phận Một cửa",
        ["3.1"],
        D(2018, 10, 1),
        D(2019, 12, 31),
        "done",
        "1.50",
        "100% TTHC được công khai đúng quy định",
        [(D(2019, 12, 15), 100, "100% TTHC đã công khai trên Cổng dịch vụ công của tỉnh.")],
    ),
    (
        3,
        "VPUBND",
        ["SNV"],
        "Giải quyết hồ sơ thủ tục hành chính đúng hạn; xin lỗi người dân khi trễ hạn",
        ["3.3"],
        D(2019, 1, 1),
        D(2020, 12, 31),
        "in_progress",
        "5.50",
        "Tỷ lệ hồ sơ giải quyết đúng hạn trên 98%",
        [(D(2020, 9, 30), 70, "Tỷ lệ hồ sơ đúng hạn 9 tháng đạt 96,4%.")],
    ),
    (
        4,
        "SNV",
        [],
        "Sắp xếp tổ chức bộ máy, tinh giản biên chế theo Nghị quyết số 18-NQ/TW và 19-NQ/TW",
        ["4.2", "4.3"],
        D(2018, 10, 1),
        D(2020, 6, 30),
        "done",
        "4.50",
        "Bộ máy tinh gọn, biên chế giảm theo lộ trình",
        [(D(2020, 6, 15), 100, "Hoàn thành sắp xếp các phòng, đơn vị trực thuộc.")],
    ),
    (
        5,
        "SNV",
        [],
        "Hoàn thiện vị trí việc làm; đào tạo, bồi dưỡng công chức theo kế hoạch",
        ["5.1", "5.4"],
        D(2018, 10, 1),
        D(2019, 12, 31),
        "done",
        "3.00",
        "Đề án vị trí việc làm được phê duyệt; kế hoạch bồi dưỡng hoàn thành",
        [(D(2019, 12, 20), 100, "Các cơ quan đã hoàn thiện đề án vị trí việc làm.")],
    ),
    (
        5,
        "SNV",
        ["VPUBND"],
        "Tăng cường kỷ luật, kỷ cương hành chính; kiểm tra công vụ đột xuất",
        ["5.5"],
        D(2019, 1, 1),
        D(2020, 12, 31),
        "in_progress",
        "2.50",
        "Không có cán bộ, công chức vi phạm kỷ luật hành chính",
        [(D(2020, 10, 5), 50, "Đã kiểm tra công vụ đột xuất 12 cơ quan.")],
    ),
    (
        6,
        "STC",
        ["SNV"],
        "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập",
        ["6.2"],
        D(2018, 10, 1),
        D(2020, 6, 30),
        "done",
        "1.50",
        "Các đơn vị sự nghiệp được giao tự chủ theo Nghị định 16/2015/NĐ-CP",
        [(D(2020, 6, 20), 100, "Đã giao tự chủ cho các đơn vị đủ điều kiện.")],
    ),
    (
        6,
        "STC",
        [],
        "Công khai dự toán, quyết toán ngân sách và tài sản công đúng quy định",
        ["6.1", "6.3"],
        D(2019, 1, 1),
        D(2019, 12, 31),
        "done",
        "2.00",
        "100% cơ quan công khai ngân sách đúng hạn",
        [(D(2019, 12, 28), 100, "Các cơ quan đã công khai đúng quy định.")],
    ),
    (
        7,
        "STTTT",
        ["VPUBND"],
        "Nâng cấp Cổng dịch vụ công trực tuyến, tăng dịch vụ mức độ 3, 4",
        ["7.2"],
        D(2018, 10, 1),
        D(2020, 9, 30),
        "done",
        "5.50",
        "Tăng tỷ lệ hồ sơ trực tuyến mức độ 3, 4",
        [(D(2020, 9, 25), 100, "Cổng dịch vụ công đã nâng cấp, kết nối Cổng quốc gia.")],
    ),
    (
        7,
        "SKHCN",
        [],
        "Áp dụng, duy trì hệ thống quản lý chất lượng TCVN ISO 9001:2015",
        ["7.3"],
        D(2018, 10, 1),
        D(2019, 12, 31),
        "done",
        "1.50",
        "Các cơ quan công bố hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
        [(D(2019, 12, 10), 100, "Các sở, ngành đã công bố hệ thống ISO 9001:2015.")],
    ),
    (
        8,
        "VPUBND",
        ["STTTT", "SNV"],
        "Hiện đại hóa Bộ phận Một cửa các cấp",
        ["3.4"],
        D(2018, 10, 1),
        D(2019, 12, 31),
        "done",
        "2.00",
        "Bộ phận Một cửa hiện đại ở cấp tỉnh, huyện, xã",
        [(D(2019, 12, 20), 100, "Trung tâm Phục vụ hành chính công tỉnh đi vào hoạt động.")],
    ),
    (
        9,
        "SNV",
        [],
        "Khảo sát sự hài lòng của người dân, tổ chức và công bố kết quả",
        ["8.3", "3.6"],
        D(2019, 1, 1),
        D(2020, 11, 30),
        "done",
        "4.00",
        "Kết quả khảo sát được công bố hằng năm",
        [(D(2020, 11, 25), 100, "Đã khảo sát và công bố kết quả năm 2020.")],
    ),
    (
        9,
        "SGDDT",
        ["SNV"],
        "Nâng cao sự hài lòng của người dân đối với dịch vụ giáo dục công",
        ["8.3"],
        D(2019, 1, 1),
        D(2020, 12, 31),
        "done",
        "2.00",
        "Chỉ số hài lòng về giáo dục công tăng so với năm trước",
        [(D(2020, 12, 20), 100, "Chỉ số hài lòng về giáo dục công tăng.")],
    ),
    (
        9,
        "SYT",
        ["SNV"],
        "Nâng cao sự hài lòng của người bệnh đối với dịch vụ y tế công",
        ["8.3"],
        D(2019, 1, 1),
        D(2020, 12, 31),
        "in_progress",
        "2.00",
        "Chỉ số hài lòng của người bệnh tăng so với năm trước",
        [(D(2020, 10, 15), 60, "Đã triển khai khảo sát hài lòng tại các bệnh viện tuyến tỉnh.")],
    ),
]


def build(*, log: Callable[[str], None] = print, province: Unit | None = None) -> Plan:
    version = FrameworkVersion.objects.get(source_name="province-internal.yaml")
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    plan = plan_create(
        number="252/KH-UBND",
        title="Kế hoạch nâng cao chỉ số cải cách hành chính (Par index) tỉnh Tiền Giang "
        "giai đoạn 2018-2020",
        issued_on=D(2018, 9, 19),
        issuer="Ủy ban nhân dân tỉnh Tiền Giang",
        start_year=2018,
        end_year=2020,
        goals=GOALS,
        province=province,
        framework_version=version,
        published=True,
        user=admin,
    )
    target_set(
        plan=plan,
        year=2018,
        scope=PlanTarget.Scope.NATIONAL,
        band="B",
        note="Nằm trong nhóm khá (B: 80–<90%) của cả nước",
    )
    target_set(
        plan=plan,
        year=2019,
        scope=PlanTarget.Scope.NATIONAL,
        band="B",
        rank=53,
        note="Xếp hạng cao hơn năm trước (54/63 năm 2018)",
    )
    target_set(
        plan=plan,
        year=2020,
        scope=PlanTarget.Scope.NATIONAL,
        band="B",
        rank=47,
        note="Xếp hạng cao hơn năm trước (48/63 năm 2019)",
    )
    target_set(
        plan=plan,
        year=2020,
        scope=PlanTarget.Scope.INTERNAL,
        band="KHA",
        index=Decimal("80"),
        note="Các cơ quan, đơn vị đạt nhóm Khá trở lên (minh họa)",
    )
    areas = {a.position: a for a in plan.areas.all()}
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={t[1] for t in TASKS} | {c for t in TASKS for c in t[2]}
        )
    }
    reporters = {
        r.unit_id: r.user
        for r in RoleAssignment.objects.filter(role=Role.UNIT_EDITOR).select_related("user")
    }
    reports = 0
    for (
        area,
        lead,
        helpers,
        title,
        nodes,
        start,
        deadline,
        status,
        points,
        result,
        progress,
    ) in TASKS:
        task = task_create(
            plan=plan,
            area=areas[area],
            title=title,
            lead_agency=units[lead],
            coordinating=[units[c] for c in helpers],
            node_codes=nodes,
            start_date=start,
            deadline=deadline,
            status=status,
            expected_points=Decimal(points),
            expected_result=result,
        )
        author = reporters.get(units[lead].pk) or admin
        assert author is not None
        for day, percent, text in progress:
            report = ProgressReport.objects.create(
                task=task, reported_on=day, text=text, percent=percent, author=author
            )
            evidence = evidence_reference(
                unit=units[lead],
                user=author,
                number=f"{reports + 1:02d}/BC-MH",
                issued_on=day,
                issuer=units[lead].name,
                title=f"Báo cáo tiến độ nhiệm vụ (dữ liệu minh họa): {title[:120]}",
            )
            ProgressEvidence.objects.create(report=report, evidence=evidence)
            reports += 1
    log(f"plan {plan.number}: {len(TASKS)} tasks in 9 contents, {reports} progress reports")
    return plan
