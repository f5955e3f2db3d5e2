import json
from datetime import date

import pytest

from quntuan.core.testing import make_resident
from quntuan.programs import services
from quntuan.programs.models import Plan, ResidentProfile
from quntuan.programs.tests.conftest import resident_with

UNEMPLOYED = {"attr": "employment_status", "op": "eq", "value": "unemployed"}


def _post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def _plan_payload(world, **extra):
    return {"organization_id": world["union"].pk, "title": "职工技能提升计划", "goal": "培训失业职工",
            "kind": "training", "start_date": "2026-03-01", "end_date": "2026-06-30", "capacity": 200, **extra}


def test_staff_see_counts_never_names(client, world):
    resident_with(world, employment_status="unemployed")
    resident_with(world, community=world["b"], employment_status="unemployed")
    client.force_login(world["union_staff"])
    response = _post(client, "/api/programs/audience", {"criteria": UNEMPLOYED, "purpose": "employment",
                                                        "organization_id": world["union"].pk})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    text = response.content.decode()
    for profile in ResidentProfile.objects.select_related("user"):
        assert profile.user.name not in text
        assert profile.user.mobile not in text


@pytest.mark.parametrize("criteria, message", [
    ({}, "筛选条件不能为空。"),
    ({"attr": "income", "op": "eq", "value": 1}, "未知的筛选属性:income"),
    ({"all": [{"attr": "age", "op": "gte", "value": 60}, {"attr": "age", "op": "lte", "value": 30}]},
     "筛选条件自相矛盾"),
])
def test_bad_criteria_through_the_api(client, world, criteria, message):
    client.force_login(world["union_staff"])
    response = _post(client, "/api/programs/target-groups", {"organization_id": world["union"].pk, "name": "x",
                                                             "criteria": criteria})
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_publishing_a_notice_without_audience_is_a_4xx(client, world):
    client.force_login(world["union_staff"])
    created = _post(client, "/api/programs/notices", {"organization_id": world["union"].pk, "title": "培训",
                                                      "body": "欢迎报名", "purpose": "employment",
                                                      "criteria": UNEMPLOYED})
    assert created.status_code == 201
    response = client.post(f"/api/programs/notices/{created.json()['id']}/publish")
    assert response.status_code == 400
    assert response.json()["message"] == "没有符合条件且同意接收此类推送的居民,无法发布。"


def test_only_owner_edits_plan_through_the_api(client, world):
    client.force_login(world["union_staff"])
    created = _post(client, "/api/programs/plans", _plan_payload(world))
    assert created.status_code == 201
    pk = created.json()["id"]
    client.force_login(world["women_staff"])
    assert client.get("/api/programs/plans").json()[0]["can_edit"] is False
    response = _post(client, f"/api/programs/plans/{pk}", _plan_payload(world, title="改掉"), method="put")
    assert response.status_code == 403
    assert response.json()["message"] == "只有发布该计划的组织可以修改它。"
    assert Plan.objects.get(pk=pk).title == "职工技能提升计划"
    comment = _post(client, f"/api/programs/plans/{pk}/comments",
                    {"organization_id": world["women"].pk, "kind": "cohost", "body": "愿意协办"})
    assert comment.status_code == 201
    detail = client.get(f"/api/programs/plans/{pk}").json()
    assert [(c["kind_label"], c["body"], c["organization"]["name"]) for c in detail["comments"]] == [
        ("申请协办", "愿意协办", world["women"].name)]


def test_residents_cannot_use_staff_endpoints(client, world):
    resident = make_resident(world["district"])
    client.force_login(resident)
    response = _post(client, "/api/programs/audience", {"criteria": UNEMPLOYED, "purpose": "employment",
                                                        "organization_id": world["union"].pk})
    assert response.status_code == 403


def test_resident_consent_page_and_export(client, world):
    resident = make_resident(world["district"], community=world["a"])
    client.force_login(resident)
    page = client.get("/programs/me/")
    assert page.status_code == 200
    assert "我的信息与授权" in page.content.decode()
    client.post("/programs/me/", {"consent": ["employment", "hardship"]})
    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.consent_employment, profile.consent_hardship, profile.consent_culture) == (True, True, False)
    client.post("/programs/me/", {"consent": ["hardship"]})  # withdraw employment
    profile.refresh_from_db()
    assert profile.consent_employment is False
    export = client.get("/programs/me/export.json")
    assert export["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(export.content)
    assert [(r["操作"], r["用途"]) for r in data["授权记录"]] == [("同意", ["就业培训", "家庭困难信息"]),
                                                             ("撤回", ["就业培训"])]
    # sensitive value through the API, stored encrypted
    response = _post(client, "/api/programs/me/profile", {"hardship": "subsistence"}, method="put")
    assert response.status_code == 200
    assert response.json()["画像"]["家庭困难类型"] == "低保家庭"
    # unknown attributes and purposes are refused by name, not dropped
    response = _post(client, "/api/programs/me/profile", {"salary": 9000}, method="put")
    assert response.status_code == 400 and response.json()["message"] == "未知的属性:salary。"
    response = _post(client, "/api/programs/me/consent/grant", {"purposes": ["marketing"]})
    assert response.status_code == 400 and response.json()["message"] == "未知的授权用途:marketing。"


def test_board_and_plan_pages(client, world):
    services.plan_create(actor=world["union_staff"], organization=world["union"],
                         data=services.PlanInput(title="职工技能提升计划", goal="培训", start_date=date(2026, 3, 1),
                                                 end_date=date(2026, 6, 30)))
    client.force_login(world["women_staff"])
    page = client.get("/programs/?period=2026-04")
    assert "职工技能提升计划" in page.content.decode()
    page = client.get("/programs/?period=2026-08")
    assert "职工技能提升计划" not in page.content.decode()


def test_progress_bar_polls_while_sending_and_only_for_the_owner(client, world, django_capture_on_commit_callbacks):
    resident_with(world, employment_status="unemployed")
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="培训", body="报名",
                                    purpose="employment", criteria=UNEMPLOYED)
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice)
    client.force_login(world["women_staff"])
    assert client.get(f"/programs/notices/{notice.pk}/manage/").status_code == 404
    client.force_login(world["union_staff"])
    partial = client.get(f"/programs/notices/{notice.pk}/manage/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert 'aria-valuenow="0"' in partial
    assert "<html" not in partial


def test_notice_with_a_service_and_sign_up_through_the_api(client, world):
    from quntuan.cases.models import Case
    from quntuan.core.testing import make_service, make_staff
    from quntuan.programs.models import FanoutShard, Notice

    make_staff(world["union"], on_duty=True)
    service = make_service(world["union"], name="职工技能培训补贴申领")
    resident = resident_with(world, employment_status="unemployed")
    client.force_login(world["union_staff"])
    created = _post(client, "/api/programs/notices", {"organization_id": world["union"].pk, "title": "补贴申领",
                                                      "body": "可在线申请", "purpose": "employment",
                                                      "criteria": UNEMPLOYED, "service_id": service.pk})
    assert created.status_code == 201
    assert (created.json()["service_id"], created.json()["course_id"]) == (service.pk, None)
    notice_id = created.json()["id"]
    notice = Notice.objects.get(pk=notice_id)
    services.notice_publish(actor=world["union_staff"], notice=notice,
                            now=notice.created_at.replace(hour=4, minute=0))  # 12:00 in Beijing
    services.notice_fanout_batch(shard_id=FanoutShard.objects.get(notice=notice).pk,
                                 now=notice.created_at.replace(hour=4, minute=0))
    outsider = make_resident(world["district"])
    client.force_login(outsider)
    assert client.post(f"/api/programs/notices/{notice_id}/signup").status_code == 404
    assert client.get(f"/api/programs/me/notices/{notice_id}").status_code == 404
    assert client.get("/api/programs/me/notices").json() == []
    client.force_login(resident)
    mine = client.get("/api/programs/me/notices").json()
    assert [(n["id"], n["opened_at"], n["signup_kind"]) for n in mine] == [(notice_id, None, "service")]
    assert client.get(f"/api/programs/me/notices/{notice_id}").json()["opened_at"] is not None
    response = client.post(f"/api/programs/notices/{notice_id}/signup")
    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json() == {"notice_id": notice_id, "kind": "service", "id": case.pk,
                               "tracking_no": case.tracking_no}
    again = client.post(f"/api/programs/notices/{notice_id}/signup")
    assert again.status_code == 409
    assert again.json()["message"] == "您已通过这条推送报名,无需重复报名。"
    client.force_login(world["union_staff"])
    listed = client.get("/api/programs/notices").json()
    assert [(n["id"], n["delivered"], n["opened"], n["signed_up"]) for n in listed] == [(notice_id, 1, 1, 1)]


def test_referrals_by_side_through_the_api(client, world):
    plan = services.plan_create(actor=world["women_staff"], organization=world["women"], data=services.PlanInput(
        title="巾帼创业行动", goal="扶持创业", start_date=date(2026, 3, 1), end_date=date(2026, 12, 31)))
    resident = make_resident(world["district"])
    client.force_login(world["union_staff"])
    response = _post(client, "/api/programs/referrals", {"from_organization_id": world["union"].pk,
                                                          "resident_id": resident.pk, "reason": "想创业",
                                                          "plan_id": plan.pk})
    assert response.status_code == 201
    referral_id = response.json()["id"]
    assert response.json()["status"] == "awaiting_consent"
    assert response.json()["resident"]["sensitive"] == {"disability": "***", "hardship": "***"}
    assert [r["id"] for r in client.get("/api/programs/referrals?side=out").json()] == [referral_id]
    assert client.get("/api/programs/referrals?side=in").json() == []
    client.force_login(world["women_staff"])
    assert client.get("/api/programs/referrals?side=in").json() == []  # not before the resident agrees
    client.force_login(resident)
    assert [r["status"] for r in client.get("/api/programs/me/referrals").json()] == ["awaiting_consent"]
    bad = _post(client, f"/api/programs/me/referrals/{referral_id}/consent", {"agree": True, "share": ["hardship"]})
    assert bad.status_code == 400 and bad.json()["message"] == "您尚未同意平台使用您的家庭困难信息,不能提供给接收组织。"
    agreed = _post(client, f"/api/programs/me/referrals/{referral_id}/consent", {"agree": True})
    assert agreed.status_code == 200 and agreed.json()["status"] == "pending"
    client.force_login(world["women_staff"])
    rows = client.get("/api/programs/referrals?side=in").json()
    assert [(r["status"], r["resident"]["mobile"]) for r in rows] == [("pending", resident.mobile)]
    client.force_login(resident)
    assert _post(client, f"/api/programs/me/referrals/{referral_id}/consent", {"agree": False}).json()["status"] == (
        "withdrawn")
    client.force_login(world["women_staff"])
    assert client.get("/api/programs/referrals?side=in").json() == []
