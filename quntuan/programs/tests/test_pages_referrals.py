"""Referral pages: staff propose a referral, the resident agrees (or refuses, or withdraws) on
their own page, only then the receiving organization sees it, accepts and records the outcome;
both sides and the resident see the status. Sensitive categories are masked unless the resident
shared them with the receiving organization."""

import re
from datetime import date

import pytest

from quntuan.core.testing import make_org, make_resident, make_staff
from quntuan.notifications.models import Notification
from quntuan.programs import services
from quntuan.programs.models import ConsentRecord, Referral


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world["women_staff"], organization=world["women"], data=services.PlanInput(
        title="巾帼创业行动", goal="扶持 40 户创业", start_date=date(2026, 3, 1), end_date=date(2026, 12, 31)))


def _form(world, plan, resident, **extra):
    return {"from_organization": world["union"].pk, "resident_mobile": resident.mobile, "plan": plan.pk,
            "reason": "失业女职工,有开网店的想法", **extra}


def _flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_refer_resident_agrees_accept_complete_and_everyone_sees_the_status(client, world, plan):
    resident = make_resident(world["district"], community=world["a"], name="陈美玲")
    services.consent_grant(resident=resident, purposes=["hardship", "disability"])
    services.profile_update(resident=resident, attributes={"hardship": "subsistence", "disability_type": "visual"})
    client.force_login(world["union_staff"])
    assert "巾帼创业行动" in client.get(f"/programs/referrals/new/?plan={plan.pk}").content.decode()
    response = client.post("/programs/referrals/new/", _form(world, plan, resident))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/referrals/{referral.pk}/"
    assert (referral.from_organization, referral.to_organization, referral.status) == (
        world["union"], world["women"], "awaiting_consent")
    assert not any("referral" in p for p in ConsentRecord.objects.filter(resident=resident).values_list(
        "purposes", flat=True))
    out = client.get("/programs/referrals/?side=out").content.decode()
    assert "陈美玲" in out and "待居民确认" in out

    # before the resident agrees, the receiving organization sees nothing
    client.force_login(world["women_staff"])
    assert "陈美玲" not in client.get("/programs/referrals/?side=in").content.decode()
    assert client.get(f"/programs/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"}).status_code == 404

    # the resident is asked in the inbox and answers on their own page, sharing one category
    note = Notification.objects.get(user=resident, dedup_key__startswith=f"referral:{referral.pk}")
    assert note.link == f"/programs/me/referrals/{referral.pk}/" and "请确认" in note.title
    client.force_login(resident)
    mine = _flat(client.get("/programs/me/"))
    assert "有 1 条转介等您确认" in mine and "去确认" in mine
    page = _flat(client.get(note.link))
    assert "您是否同意这次转介?" in page and "提供我的家庭困难信息" in page
    response = client.post(note.link, {"agree": "yes", "share": ["hardship"]})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.shared_categories) == ("pending", ["hardship"])
    record = ConsentRecord.objects.filter(resident=resident).latest("id")
    assert (record.action, record.purposes, record.source) == ("grant", ["referral", "hardship"],
                                                               f"referral:{referral.pk}")

    # the sender cannot decide and sees the mobile and every sensitive category masked
    client.force_login(world["union_staff"])
    response = client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"})
    assert response.status_code == 403
    assert "只有接收组织可以处理该转介。" in response.content.decode()
    detail = _flat(client.get(f"/programs/referrals/{referral.pk}/"))
    assert resident.mobile not in detail and "低保" not in detail and "视力" not in detail
    assert detail.count("*** <span") == 2

    # the receiving organization: full mobile, the shared category, the other one masked
    client.force_login(world["women_staff"])
    incoming = client.get("/programs/referrals/?side=in").content.decode()
    assert "陈美玲" in incoming and "1 待接收" in incoming
    detail = _flat(client.get(f"/programs/referrals/{referral.pk}/"))
    assert "接收或退回" in detail and resident.mobile in detail
    assert "低保" in detail and "视力" not in detail and detail.count("*** <span") == 1
    client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"})
    referral.refresh_from_db()
    assert referral.status == "accepted"
    missing = client.post(f"/programs/referrals/{referral.pk}/", {"status": "completed", "outcome": ""})
    assert missing.status_code == 400
    assert "请填写办理结果或退回原因。" in missing.content.decode()
    client.post(f"/programs/referrals/{referral.pk}/", {"status": "completed", "outcome": "已参加电商培训并开店"})
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.decided_by) == (
        "completed", "已参加电商培训并开店", world["women_staff"])

    client.force_login(world["union_staff"])
    detail = client.get(f"/programs/referrals/{referral.pk}/").content.decode()
    assert "已办结" in detail and "已参加电商培训并开店" in detail and "接收或退回" not in detail
    client.force_login(resident)
    mine = _flat(client.get("/programs/me/"))
    assert "区总工会 转介至 区妇联" in mine and "已办结" in mine and "已参加电商培训并开店" in mine
    # a finished referral can no longer be withdrawn
    response = client.post(f"/programs/me/referrals/{referral.pk}/", {"agree": "no"})
    assert response.status_code == 409 and "不能再改变您的选择" in response.content.decode()


def test_the_resident_refuses_and_the_receiver_never_sees_it(client, world, plan):
    resident = make_resident(world["district"])
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="需要创业指导", plan=plan)
    client.force_login(resident)
    assert client.post(f"/programs/me/referrals/{referral.pk}/", {"agree": "no"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "refused"
    assert not any("referral" in p for p in ConsentRecord.objects.filter(resident=resident).values_list(
        "purposes", flat=True))
    client.force_login(world["women_staff"])
    assert client.get(f"/programs/referrals/{referral.pk}/").status_code == 404
    assert client.get("/api/programs/referrals?side=in").json() == []
    client.force_login(world["union_staff"])
    assert "居民不同意" in client.get(f"/programs/referrals/{referral.pk}/").content.decode()


def test_withdrawing_takes_the_referral_out_of_the_receivers_sight_at_once(client, world, plan):
    resident = make_resident(world["district"], name="周建国")
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="需要创业指导", plan=plan)
    services.referral_consent(resident=resident, referral=referral, agree=True)
    services.referral_decide(actor=world["women_staff"], referral=referral, status="accepted")
    client.force_login(resident)
    page = _flat(client.get(f"/programs/me/referrals/{referral.pk}/"))
    assert "撤回同意" in page
    assert client.post(f"/programs/me/referrals/{referral.pk}/", {"agree": "no"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "withdrawn"
    assert ConsentRecord.objects.filter(resident=resident).latest("id").action == "withdraw"
    client.force_login(world["women_staff"])
    assert client.get(f"/programs/referrals/{referral.pk}/").status_code == 404
    assert "周建国" not in client.get("/programs/referrals/?side=in").content.decode()
    assert client.post(f"/programs/referrals/{referral.pk}/", {"status": "completed", "outcome": "x"}
                       ).status_code == 404


def test_sensitive_categories_can_be_shared_only_with_their_own_consent(world, plan):
    resident = make_resident(world["district"])
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="需要创业指导", plan=plan)
    with pytest.raises(services.ApplicationError) as exc:
        services.referral_consent(resident=resident, referral=referral, agree=True, share=["disability"])
    assert exc.value.message == "您尚未同意平台使用您的残疾信息,不能提供给接收组织。"
    with pytest.raises(services.ApplicationError) as exc:
        services.referral_consent(resident=resident, referral=referral, agree=True, share=["income"])
    assert exc.value.message == "未知的敏感信息类别:income。"
    with pytest.raises(services.PermissionDenied):
        services.referral_consent(resident=world["union_staff"], referral=referral, agree=True)
    other = make_resident(world["district"])
    with pytest.raises(services.NotFound):
        services.referral_consent(resident=other, referral=referral, agree=True)
    with pytest.raises(services.Conflict):
        services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                 resident=resident, reason="再转一次", plan=plan)


def test_unknown_residents_are_refused(client, world, plan):
    resident = make_resident(world["district"])
    client.force_login(world["union_staff"])
    response = client.post("/programs/referrals/new/", _form(world, plan, resident, resident_mobile="13900000000"))
    assert response.status_code == 404
    assert "本区没有用这个手机号注册的居民,请核对。" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_is_seen_only_by_the_two_organizations_and_its_resident(client, world, plan):
    resident = make_resident(world["district"])
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="需要创业指导", plan=plan)
    services.referral_consent(resident=resident, referral=referral, agree=True)
    outsider = make_staff(make_org(world["district"], "youth"))
    client.force_login(outsider)
    assert client.get(f"/programs/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"}).status_code == 404
    assert resident.name not in client.get("/programs/referrals/?side=in").content.decode()
    assert client.get(f"/programs/me/referrals/{referral.pk}/").status_code == 404
    client.force_login(resident)
    assert client.get("/programs/referrals/").status_code == 403
    # another resident neither sees nor answers it, on the page or through the API
    other = make_resident(world["district"])
    client.force_login(other)
    assert client.get(f"/programs/me/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/programs/me/referrals/{referral.pk}/", {"agree": "no"}).status_code == 404
    assert client.get("/api/programs/me/referrals").json() == []
    assert client.post(f"/api/programs/me/referrals/{referral.pk}/consent", {"agree": False},
                       content_type="application/json").status_code == 404
    assert resident.name not in client.get("/api/programs/me").content.decode()
    referral.refresh_from_db()
    assert referral.status == "pending"
