import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from quntuan.accounts.models import Role, User
from quntuan.core.exceptions import PermissionDenied
from quntuan.core.testing import PASSWORD
from quntuan.organizations.models import Membership
from quntuan.reports.importer import MAX_ROWS, import_run_execute, roster_import
from quntuan.reports.models import ImportRun
from quntuan.volunteers.models import Volunteer
from quntuan.volunteers.tests.conftest import next_id_number


def xlsx(rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messages(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def residents():
    return User.objects.filter(role=Role.RESIDENT).count()


def test_residents_import_all(world):
    before = residents()
    data = xlsx([["姓名", "手机号", "所在社区", "注册日期"],
                 ["王五", "13800000001", "幸福社区", "2026-03-01"],
                 ["赵六", 13800000002, None, date(2026, 4, 2)]])
    result = roster_import(user=world.supervisor, district=world.district, kind="residents", data=data)
    assert (result.ok, result.imported, result.errors) == (True, 2, [])
    assert residents() == before + 2
    wang = User.objects.get(mobile="13800000001")
    assert (wang.name, wang.region, wang.community, wang.date_joined.date()) == (
        "王五", world.district, world.community, date(2026, 3, 1))
    assert not wang.has_usable_password()


def test_bad_rows_import_nothing(world):
    before = residents()
    data = xlsx([["姓名", "手机号", "注册日期"],
                 ["王五", "13800000001", "2026-03-01"],
                 ["赵六", "13800000001", "2026-13-45"],
                 ["", "12345", None],
                 ["孙七", world.resident.mobile, "昨天"]])
    result = roster_import(user=world.supervisor, district=world.district, kind="residents", data=data)
    assert result.ok is False
    assert messages(result) == [
        (3, "手机号", "手机号 13800000001 与第 2 行重复。"),
        (3, "注册日期", "日期“2026-13-45”无法识别，应为 2026-01-31 这样的格式。"),
        (4, "姓名", "姓名不能为空。"),
        (4, "手机号", "手机号“12345”不正确，应为 11 位手机号码。"),
        (5, "手机号", "手机号 13900001111 已注册，不能重复导入。"),
        (5, "注册日期", "日期“昨天”无法识别，应为 2026-01-31 这样的格式。"),
    ]
    assert residents() == before


def test_wrong_columns(world):
    data = xlsx([["名字", "电话"], ["王五", "13800000001"]])
    result = roster_import(user=world.supervisor, district=world.district, kind="residents", data=data)
    assert messages(result) == [
        (1, "姓名、手机号", "缺少必填列：姓名、手机号。"),
        (1, "名字、电话", "无法识别的列：名字、电话（应为：姓名、手机号、所在社区、注册日期）。"),
    ]


def test_not_an_excel_file(world):
    result = roster_import(user=world.supervisor, district=world.district, kind="residents",
                           data="姓名,手机号\n王五,13800000001\n".encode())
    assert messages(result) == [(0, "", "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。")]
    broken = b"PK\x03\x04" + b"\x00" * 100
    result = roster_import(user=world.supervisor, district=world.district, kind="residents", data=broken)
    assert result.ok is False and result.errors[0].row == 0


def test_fifty_thousand_rows_refused(world):
    before = residents()
    rows = [["姓名", "手机号"]] + [[f"居民{i}", f"137{i:08d}"] for i in range(50_000)]
    result = roster_import(user=world.supervisor, district=world.district, kind="residents", data=xlsx(rows))
    # A write-only workbook records no dimension, so the reader stops at the limit.
    assert messages(result) == [(0, "", f"文件数据超过每次 {MAX_ROWS} 行的上限，请拆分后分批导入。")]
    assert residents() == before


def test_volunteers_import_and_duplicate_ids(world):
    a, b = next_id_number(), next_id_number()
    bad = xlsx([["手机号", "真实姓名", "身份证号码"],
                [world.resident.mobile, "张三", a],
                [world.other_resident.mobile, "李四", a],
                ["13700000000", "无名", "123"]])
    result = roster_import(user=world.supervisor, district=world.district, kind="volunteers", data=bad)
    assert messages(result) == [
        (3, "身份证号码", "身份证号码与第 2 行重复。"),
        (4, "手机号", "手机号 13700000000 没有对应的居民账户，请先导入居民名册。"),
        (4, "身份证号码", "居民身份证号码不正确。"),
    ]
    assert Volunteer.objects.count() == 0
    good = xlsx([["手机号", "真实姓名", "身份证号码", "技能特长"],
                 [world.resident.mobile, "张三", a, "急救"], [world.other_resident.mobile, "李四", b, None]])
    result = roster_import(user=world.supervisor, district=world.district, kind="volunteers", data=good)
    assert (result.ok, result.imported) == (True, 2)
    assert sorted(Volunteer.objects.values_list("real_name", "skills")) == [("张三", "急救"), ("李四", "")]


def test_staff_import_by_a_leader_only_into_own_organization(world):
    data = xlsx([["用户名", "姓名", "组织代码", "岗位"], ["gh_new", "钱工会", "union", "工作人员"],
                 ["fl_new", "孙妇联", "women", "负责人"]])
    result = roster_import(user=world.union_leader, district=world.district, kind="staff", data=data)
    assert messages(result) == [(3, "组织代码", "您只能导入本组织的工作人员。")]
    assert not User.objects.filter(username__in=["gh_new", "fl_new"]).exists()
    result = roster_import(user=world.supervisor, district=world.district, kind="staff", data=data)
    assert (result.ok, result.imported) == (True, 2)
    assert Membership.objects.get(user__username="fl_new").organization == world.women
    assert User.objects.get(username="fl_new").role == Role.ORG_LEADER


@pytest.mark.parametrize("who", ["auditor", "union_staff", "other_supervisor"])
def test_import_refused(world, who):
    data = xlsx([["姓名", "手机号"], ["王五", "13800000001"]])
    with pytest.raises(PermissionDenied):
        roster_import(user=getattr(world, who), district=world.district, kind="residents", data=data)
    assert not User.objects.filter(mobile="13800000001").exists()


def test_import_page_runs_with_progress(world, client, django_capture_on_commit_callbacks):
    client.login(username=world.supervisor.username, password=PASSWORD)
    assert client.get(reverse("reports:import")).status_code == 200
    template = client.get(reverse("reports:import_template", args=["residents"]))
    assert template.status_code == 200
    upload = SimpleUploadedFile("名册.xlsx", b"not excel at all", content_type="application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:import"), {"kind": "residents", "file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:import_run", args=[run.pk])
    page = client.get(response["Location"])
    assert page.status_code == 400
    body = page.content.decode()
    assert "未导入任何数据" in body and "文件不是有效的 Excel" in body
    assert bytes(ImportRun.objects.get().data) == b""  # the upload is not kept
    upload = SimpleUploadedFile("名册.xlsx", xlsx([["姓名", "手机号"], ["王五", "13800000001"]]))
    response = client.post(reverse("reports:import"), {"kind": "residents", "file": upload})
    run = ImportRun.objects.order_by("-id").first()
    partial = client.get(reverse("reports:import_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial  # queued: the page polls
    import_run_execute(run_id=run.pk)
    import_run_execute(run_id=run.pk)  # twice: nothing more
    page = client.get(reverse("reports:import_run", args=[run.pk]))
    assert page.status_code == 200
    assert "导入成功，共导入 1 行。" in page.content.decode()
    assert User.objects.filter(mobile="13800000001").count() == 1
    client.force_login(world.other_supervisor)
    assert client.get(reverse("reports:import_run", args=[run.pk])).status_code == 404
