"""Trainee rosters (training-course participants): checked row by row, imported all or nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quntuan.accounts.models import Role
from quntuan.core.exceptions import PermissionDenied
from quntuan.core.testing import make_user
from quntuan.reports.importer import MAX_ROWS, import_run_execute, roster_import
from quntuan.reports.models import ImportRun
from quntuan.reports.tests.test_import import messages, xlsx
from quntuan.volunteers.models import Enrollment, TrainingCourse

HEAD = ["课程编号", "手机号", "姓名", "报名日期"]


@pytest.fixture
def course(world):
    return TrainingCourse.objects.create(organization=world.union, title="职工技能提升")


def test_trainees_import_all_rows(world, course):
    data = xlsx([HEAD, [course.pk, world.resident.mobile, "张三", "2026-11-02"],
                 [str(course.pk), int(world.other_resident.mobile), None, date(2026, 11, 3)]])
    result = roster_import(user=world.union_staff, district=world.district, kind="trainees", data=data)
    assert (result.ok, result.imported, result.errors) == (True, 2, [])
    rows = Enrollment.objects.filter(course=course).order_by("trainee__mobile")
    assert [(e.trainee.name, e.created_at.astimezone().date().isoformat()) for e in rows] == [
        ("张三", "2026-11-02"), ("李四", "2026-11-03")]


def test_bad_rows_import_nothing(world, course):
    other_course = TrainingCourse.objects.create(organization=world.union, title="家政培训")
    Enrollment.objects.create(course=other_course, trainee=world.other_resident)
    staff_mobile = make_user(Role.STAFF, world.district, mobile="13700009999").mobile
    data = xlsx([HEAD,
                 [course.pk, world.resident.mobile, "张三", "2026-11-02"],
                 [course.pk, world.resident.mobile, "张三", "2026-02-30"],
                 [99999, "12345", None, None],
                 [other_course.pk, world.other_resident.mobile, "王五", "下周一"],
                 [course.pk, staff_mobile, None, "2026-12-01"]])
    result = roster_import(user=world.union_staff, district=world.district, kind="trainees", data=data)
    assert result.ok is False
    assert messages(result) == [
        (3, "手机号", "该课程的手机号 13900001111 与第 2 行重复。"),
        (3, "报名日期", "日期“2026-02-30”无法识别，应为 2026-01-31 这样的格式。"),
        (4, "课程编号", "课程编号“99999”不是本区的培训课程。"),
        (4, "手机号", "手机号“12345”不正确，应为 11 位手机号码。"),
        (5, "姓名", "姓名“王五”与该手机号登记的居民姓名不一致。"),
        (5, "手机号", "手机号 13900002222 的居民已是该课程学员。"),
        (5, "报名日期", "日期“下周一”无法识别，应为 2026-01-31 这样的格式。"),
        (6, "手机号", "手机号 13700009999 没有对应的居民账户，请先导入居民名册。"),
        (6, "报名日期", "报名日期不能晚于今天。"),
    ]
    assert Enrollment.objects.filter(course=course).count() == 0


def test_wrong_columns(world, course):
    data = xlsx([["课程", "电话", "备注"], [course.pk, world.resident.mobile, "x"]])
    result = roster_import(user=world.union_staff, district=world.district, kind="trainees", data=data)
    assert messages(result) == [
        (1, "课程编号、手机号", "缺少必填列：课程编号、手机号。"),
        (1, "课程、电话、备注", "无法识别的列：课程、电话、备注（应为：课程编号、手机号、姓名、报名日期）。"),
    ]


def test_fifty_thousand_rows_import_nothing(world, course):
    rows = [HEAD] + [[course.pk, world.resident.mobile if i == 0 else f"136{i:08d}", None, None]
                     for i in range(50_000)]
    result = roster_import(user=world.union_staff, district=world.district, kind="trainees", data=xlsx(rows))
    assert messages(result) == [(0, "", f"文件数据超过每次 {MAX_ROWS} 行的上限，请拆分后分批导入。")]
    assert Enrollment.objects.count() == 0


def test_only_the_hosting_organization_or_the_supervisor_imports(world, course):
    data = xlsx([HEAD, [course.pk, world.resident.mobile, None, None]])
    result = roster_import(user=world.youth_staff, district=world.district, kind="trainees", data=data)
    assert messages(result) == [(2, "课程编号", "您只能导入本组织举办的课程的学员。")]
    for who in ("auditor", "resident", "other_supervisor"):
        with pytest.raises(PermissionDenied):
            roster_import(user=getattr(world, who), district=world.district, kind="trainees", data=data)
    assert Enrollment.objects.count() == 0
    result = roster_import(user=world.supervisor, district=world.district, kind="trainees", data=data)
    assert (result.ok, result.imported) == (True, 1)


def test_trainee_import_page_with_renamed_file_and_progress(world, course, client, django_capture_on_commit_callbacks):
    client.force_login(world.union_staff)
    page = client.get(reverse("reports:import") + "?kind=trainees").content.decode()
    assert '<option value="trainees" selected>培训学员名册</option>' in page
    assert client.get(reverse("reports:import_template", args=["trainees"])).status_code == 200
    fake = SimpleUploadedFile("学员.xlsx", f"课程编号,手机号\n{course.pk},{world.resident.mobile}\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:import"), {"kind": "trainees", "file": fake})
    run = ImportRun.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "文件不是有效的 Excel" in page.content.decode() and "未导入任何数据" in page.content.decode()
    upload = SimpleUploadedFile("学员.xlsx", xlsx([HEAD, [course.pk, world.resident.mobile, "张三", None]]))
    client.post(reverse("reports:import"), {"kind": "trainees", "file": upload})
    run = ImportRun.objects.order_by("-id").first()
    assert 'hx-trigger="every 1s"' in client.get(reverse("reports:import_progress", args=[run.pk])).content.decode()
    import_run_execute(run_id=run.pk)
    assert "导入成功，共导入 1 行。" in client.get(reverse("reports:import_run", args=[run.pk])).content.decode()
    assert list(Enrollment.objects.values_list("course__title", "trainee__name")) == [("职工技能提升", "张三")]
