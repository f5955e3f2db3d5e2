import io
from datetime import datetime

from django.urls import reverse
from openpyxl import load_workbook

from quntuan.cases.tests.core_fixtures import SHANGHAI
from quntuan.core.testing import PASSWORD
from quntuan.reports.tests.conftest import add_volunteer_activity
from quntuan.reports.xlsx import build_workbook


def _sheet(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return wb.worksheets[0].title, [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_generic_exporter_rows_and_dicts():
    rows = [{"name": "张三", "when": datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI), "ok": True, "n": None}]
    title, data = _sheet(build_workbook(rows, [("姓名", "name"), ("时间", "when"), ("有效", "ok"), ("数量", "n")],
                                        sheet_title="名单"))
    assert title == "名单"
    assert data == [["姓名", "时间", "有效", "数量"], ["张三", datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI).replace(tzinfo=None), "是", None]]


def test_cases_export_uses_the_staff_queue(world, client):
    mine = world.submit(title="工资被拖欠")
    world.submit(service=None, organization=world.women, title="妇联的诉求")
    client.login(username=world.union_staff.username, password=PASSWORD)
    response = client.get(reverse("reports:export", args=["cases"]) + "?queue=org")
    assert response.status_code == 200
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    title, data = _sheet(response.content)
    assert title == "诉求列表"
    assert data[0] == ["受理编号", "标题", "诉求人", "状态", "承办组织", "首问组织", "受理时间", "办结时限", "办结时间", "紧急"]
    assert [row[0] for row in data[1:]] == [mine.tracking_no]
    assert data[1][1:5] == ["工资被拖欠", "张三", "待签收", "区总工会"]


def test_activities_and_volunteers_export(world, client):
    add_volunteer_activity(world)
    client.login(username=world.youth_staff.username, password=PASSWORD)
    _, acts = _sheet(client.get(reverse("reports:export", args=["activities"]), {"view": "list", "from": "2026-11-01"}).content)
    assert acts[0] == ["标题", "类型", "主办单位", "开始时间", "结束时间", "阵地", "地址", "名额", "状态"]
    assert acts[1][:3] == ["社区助老志愿服务", "志愿服务", "共青团区委"]
    _, vols = _sheet(client.get(reverse("reports:export", args=["volunteers"])).content)
    assert vols[0] == ["志愿者编号", "姓名", "证件号码", "所属区", "技能特长", "状态", "注册时间"]
    assert vols[1][1] == "张三"
    assert vols[1][2].startswith("110") and "*" in vols[1][2]  # masked


def test_exports_need_staff(world, client):
    client.force_login(world.resident)
    for name in ("cases", "activities", "volunteers"):
        assert client.get(reverse("reports:export", args=[name])).status_code in (302, 403)


def test_long_lists_are_cut_with_a_note(monkeypatch):
    from quntuan.reports import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    _, data = _sheet(build_workbook([{"n": i} for i in range(5)], [("序号", "n")]))
    assert data == [["序号"], [0], [1], [2], ["仅导出前 3 行,请缩小筛选范围后分批导出。"]]
