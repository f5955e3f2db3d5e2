"""Every staff list exports to .xlsx through one view (/reports/export/<name>.xlsx): Chinese
headers, the rows of the list as the user sees it, never another organization's rows."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from openpyxl import load_workbook

from quntuan.assessment.models import Assignment, Cadre, CadreTraining, MediaReport, SupervisionItem
from quntuan.reports.exports import EXPORTS
from quntuan.reports.tests.conftest import add_volunteer_activity
from quntuan.volunteers.models import Enrollment, TrainingCourse


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(f"/reports/export/{name}.xlsx", params)


def test_cases_queue_export_is_the_queue_of_the_user(world, client):
    mine = world.submit(title="工资被拖欠")
    other = world.submit(service=None, organization=world.women, title="妇联的诉求")
    rows = sheet(get(client, world.union_staff, "cases", queue="org"))
    assert rows[0] == ["受理编号", "标题", "诉求人", "状态", "承办组织", "首问组织", "受理时间", "办结时限", "办结时间",
                       "紧急"]
    assert [r[0] for r in rows[1:]] == [mine.tracking_no]
    assert other.tracking_no not in {r[0] for r in rows}
    rows = sheet(get(client, world.women_staff, "cases", queue="org"))
    assert [r[0] for r in rows[1:]] == [other.tracking_no]


def test_overdue_board_export_refused_to_plain_staff(world, client):
    response = get(client, world.union_staff, "cases_overdue")
    assert response.status_code == 403
    assert response.content.decode().count("逾期督办看板仅供单位负责人和区督查人员查看。") == 1
    rows = sheet(get(client, world.union_leader, "cases_overdue", level="yellow"))
    assert rows == [["受理编号", "标题", "诉求人", "状态", "承办组织", "首问组织", "受理时间", "办结时限", "办结时间",
                     "紧急"]]


def test_three_rates_export_lists_own_organization_only(world, client):
    world.submit()
    rows = sheet(get(client, world.union_staff, "cases_stats", start="2026-11-01", end="2026-11-23"))
    assert rows[0] == ["组织", "受理数", "响应率", "评价数", "解决率", "满意率", "综合得分", "开始日期", "结束日期"]
    assert [r[:2] for r in rows[1:]] == [["区总工会", 1]]
    rows = sheet(get(client, world.supervisor, "cases_stats", start="2026-11-01", end="2026-11-23"))
    assert sorted(r[0] for r in rows[1:]) == sorted(["区总工会", "区妇联", "共青团区委"])


def test_volunteer_lists_export(world, client):
    activity = add_volunteer_activity(world)
    rows = sheet(get(client, world.youth_staff, "volunteer_activities"))
    assert rows == [["活动", "主办单位", "开始时间", "结束时间", "状态", "服务人数"],
                    ["社区助老志愿服务", "共青团区委", activity.start.replace(tzinfo=None), activity.end.replace(tzinfo=None),
                     "已发布", 40]]
    assert sheet(get(client, world.union_staff, "volunteer_activities")) == [rows[0]]
    rows = sheet(get(client, world.youth_staff, "volunteers", q="张"))
    assert [r[1] for r in rows[1:]] == ["张三"]
    assert sheet(get(client, world.youth_staff, "volunteers", q="无此人"))[1:] == []


def test_course_trainees_export_and_other_district_refused(world, client):
    course = TrainingCourse.objects.create(organization=world.union, title="职工技能提升")
    Enrollment.objects.create(course=course, trainee=world.resident)
    rows = sheet(get(client, world.union_staff, "course_trainees", course=course.pk))
    assert rows == [["姓名", "出勤课次", "已结业", "结业日期", "结业证书编号", "培训后去向"], ["张三", 0, "否", None, None, None]]
    assert get(client, world.other_supervisor, "course_trainees", course=course.pk).status_code == 404
    rows = sheet(get(client, world.union_staff, "courses"))
    assert rows[1][:6] == [course.pk, "职工技能提升", "区总工会", None, 0, 1]


def test_unknown_list_and_residents_refused(world, client):
    assert get(client, world.union_staff, "nope").status_code == 404
    client.force_login(world.resident)
    assert client.get("/reports/export/cases.xlsx").status_code in (302, 403)


def test_every_export_answers_without_error(world, client):
    """Each registered list answers a staff member with a workbook or a 4xx, never a 500."""
    add_volunteer_activity(world)
    world.submit()
    for user in (world.union_staff, world.supervisor, world.auditor):
        client.force_login(user)
        for name in EXPORTS:
            response = client.get(f"/reports/export/{name}.xlsx")
            assert response.status_code in (200, 400, 403, 404), (name, user, response.status_code)
            if response.status_code == 200:
                assert load_workbook(io.BytesIO(response.content)).worksheets[0].title


def test_export_link_keeps_the_filters_but_not_the_page():
    request = RequestFactory().get("/volunteers/staff/", {"q": "张", "status": "active", "page": "3"})
    html = Template('{% load exports %}{% export_link "volunteers" %}').render(Context({"request": request}))
    assert html == ('<a class="btn btn-ghost btn-sm export-link" href="/reports/export/volunteers.xlsx?q=%E5%BC%A0'
                    '&amp;status=active" download>导出 Excel</a>')
    html = Template('{% load exports %}{% export_link "course_trainees" course=7 %}').render(
        Context({"request": RequestFactory().get("/")}))
    assert 'href="/reports/export/course_trainees.xlsx?course=7"' in html


@pytest.mark.parametrize("url", [
    "/cases/workbench/?queue=org", "/cases/stats/", "/activities/staff/?view=list", "/activities/staff/stats/",
    "/activities/staff/venues/", "/volunteers/staff/", "/volunteers/staff/teams/", "/volunteers/staff/activities/",
    "/volunteers/staff/hours/", "/volunteers/staff/certificates/", "/volunteers/staff/training/", "/programs/",
    "/programs/referrals/", "/programs/notices/", "/programs/groups/", "/volunteers/staff/training/figures/",
    "/assessment/ledgers/", "/assessment/supervision/", "/assessment/indicators/", "/assessment/results/2026/",
    "/assessment/dispatch/", "/assessment/records/?kind=activities", "/assessment/vetoes/", "/reports/",
    "/reports/import/",
])
def test_staff_list_pages_link_to_their_export(world, client, url):
    client.force_login(world.supervisor if url.startswith(("/assessment", "/reports")) else world.union_leader)
    response = client.get(url)
    assert response.status_code == 200, url
    assert "/reports/export/" in response.content.decode(), url


# --- assessment lists, in the assessment test world's own district -----------------------------
def test_ledger_exports_hide_other_organizations(world, client):
    MediaReport.objects.create(district=world.district, organization=world.union, title="工会进社区", outlet="市报",
                               published_on=date(2026, 11, 5), level=MediaReport.Level.CITY)
    MediaReport.objects.create(district=world.district, organization=world.youth, title="青年助老", outlet="市台",
                               published_on=date(2026, 11, 6), level=MediaReport.Level.PROVINCIAL)
    CadreTraining.objects.create(district=world.district, organization=world.youth, title="团干部培训",
                                 start=date(2026, 3, 1), trainees=25)
    Cadre.objects.create(organization=world.youth, name="钱挂职", kind=Cadre.Kind.SECONDED, start=date(2026, 1, 1))
    from quntuan.assessment.models import Budget
    Budget.objects.create(organization=world.union, year=2025, amount=Decimal("100000"))
    Budget.objects.create(organization=world.union, year=2026, amount=Decimal("125000"))

    rows = sheet(get(client, world.union_staff, "ledger_media", year=2026))
    assert rows == [["刊发日期", "标题", "媒体", "级别", "组织", "链接"],
                    [datetime(2026, 11, 5), "工会进社区", "市报", "市级", "区总工会", None]]  # noqa: DTZ001
    assert [r[1] for r in sheet(get(client, world.auditor, "ledger_media", year=2026))[1:]] == ["青年助老", "工会进社区"]
    assert sheet(get(client, world.union_staff, "ledger_trainings", year=2026))[1:] == []
    assert sheet(get(client, world.union_staff, "ledger_cadres", year=2026))[1:] == []
    rows = sheet(get(client, world.union_staff, "ledgers", year=2026))
    assert rows[0][:2] == ["组织", "编制核定"] and rows[0][8:11] == ["2026年专项经费(元)", "上年专项经费(元)", "较上年增长"]
    assert [(r[0], r[8], r[10]) for r in rows[1:]] == [("区总工会", 125000, "25.0%")]


def test_supervision_and_dispatch_exports(world, client):
    item = SupervisionItem.objects.create(district=world.district, title="工作站建设", due_date=date(2026, 11, 30))
    Assignment.objects.create(item=item, organization=world.union, due_date=date(2026, 11, 30))
    Assignment.objects.create(item=item, organization=world.youth, due_date=date(2026, 11, 30))
    rows = sheet(get(client, world.union_staff, "supervision"))
    assert rows == [["事项", "重点任务", "责任单位", "完成时限", "状态", "完成日期", "逾期"],
                    ["工作站建设", "否", "区总工会", datetime(2026, 11, 30), "推进中", None, "否"]]  # noqa: DTZ001
    rows = sheet(get(client, world.supervisor, "dispatch", month="2026-11"))
    assert [(r[0], r[3]) for r in rows[1:]] == [("区总工会", "本月未报送"), ("共青团区委", "本月未报送")]


def test_import_error_report_downloads_as_excel(world, client):
    from quntuan.reports.importer import import_run_execute
    from quntuan.reports.models import ImportRun
    from quntuan.reports.tests.test_import import xlsx

    run = ImportRun.objects.create(user=world.supervisor, district=world.district, kind="residents", filename="a.xlsx",
                                   data=xlsx([["姓名", "手机号"], ["王五", "123"], ["", "13800000001"]]))
    import_run_execute(run_id=run.pk)
    page = get(client, world.supervisor, "import_errors", run=run.pk)
    assert sheet(page) == [["行号", "列", "问题"], [2, "手机号", "手机号“123”不正确，应为 11 位手机号码。"],
                           [3, "姓名", "姓名不能为空。"]]
    assert f"/reports/export/import_errors.xlsx?run={run.pk}" in client.get(f"/reports/import/{run.pk}/").content.decode()
    assert get(client, world.union_leader, "import_errors", run=run.pk).status_code == 404


def test_organization_ledger_section_exports(world, client):
    from quntuan.assessment.models import Budget, Post

    Post.objects.create(organization=world.union, name="机关编制", authorized=5, filled=4)
    Budget.objects.create(organization=world.union, year=2025, amount=Decimal("100000"))
    Budget.objects.create(organization=world.union, year=2026, amount=Decimal("90000"))
    assert sheet(get(client, world.union_staff, "ledger_posts", org=world.union.pk)) == [
        ["组织", "岗位", "类别", "核定数", "实有数"], ["区总工会", "机关编制", "编制", 5, 4]]
    rows = sheet(get(client, world.union_staff, "ledger_budgets", org=world.union.pk))
    assert [r[1:5] for r in rows[1:]] == [[2025, 100000, None, None], [2026, 90000, 100000, "-10.0%"]]
    assert get(client, world.women_staff, "ledger_posts", org=world.union.pk).status_code == 404
    client.force_login(world.union_staff)
    page = client.get(f"/assessment/ledgers/org/{world.union.pk}/").content.decode()
    assert f"/reports/export/ledger_posts.xlsx?org={world.union.pk}" in page
