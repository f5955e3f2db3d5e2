"""Referral pages: refer with the resident's consent, the receiving organization accepts and
records the outcome, both sides and the resident see the status."""

import re
from datetime import date

import pytest

from quntuan.core.testing import make_org, make_resident, make_staff
from quntuan.programs import services
from quntuan.programs.models import ConsentRecord, Referral


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world["women_staff"], organization=world["women"], data=services.PlanInput(
        title="巾帼创业行动", goal="扶持 40 户创业", start_date=date(2026, 3, 1), end_date=date(2026, 12, 31)))


def _form(world, plan, resident, **extra):
    return {"from_organization": world["union"].pk, "resident_mobile": resident.mobile, "plan": plan.pk,
            "reason": "失业女职工,有开网店的想法", "resident_consented": "on", **extra}


def test_refer_accept_complete_and_everyone_sees_the_status(client, world, plan):
    resident = make_resident(world["district"], community=world["a"], name="陈美玲")
    client.force_login(world["union_staff"])
    assert "巾帼创业行动" in client.get(f"/programs/referrals/new/?plan={plan.pk}").content.decode()
    response = client.post("/programs/referrals/new/", _form(world, plan, resident))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/referrals/{referral.pk}/"
    assert (referral.from_organization, referral.to_organization, referral.status) == (
        world["union"], world["women"], "pending")
    assert ConsentRecord.objects.filter(resident=resident, purposes=["referral"]).count() == 1
    out = client.get("/programs/referrals/?side=out").content.decode()
    assert "陈美玲" in out and "待接收" in out
    # the sender cannot decide
    response = client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"})
    assert response.status_code == 403
    assert "只有接收组织可以处理该转介。" in response.content.decode()

    client.force_login(world["women_staff"])
    incoming = client.get("/programs/referrals/?side=in").content.decode()
    assert "陈美玲" in incoming and "1 待接收" in incoming
    detail = client.get(f"/programs/referrals/{referral.pk}/").content.decode()
    assert "接收或退回" in detail and resident.mobile not in detail
    assert f"{resident.mobile[:3]}****{resident.mobile[-4:]}" in detail
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
    mine = re.sub(r"\s+", " ", client.get("/programs/me/").content.decode())
    assert "区总工会 转介至 区妇联" in mine and "已办结" in mine and "已参加电商培训并开店" in mine


def test_no_referral_without_the_residents_consent(client, world, plan):
    resident = make_resident(world["district"])
    client.force_login(world["union_staff"])
    form = _form(world, plan, resident)
    del form["resident_consented"]
    response = client.post("/programs/referrals/new/", form)
    assert response.status_code == 400
    assert "转介前须征得居民本人同意。" in response.content.decode()
    response = client.post("/programs/referrals/new/", _form(world, plan, resident, resident_mobile="13900000000"))
    assert response.status_code == 404
    assert "本区没有用这个手机号注册的居民,请核对。" in response.content.decode()
    assert not Referral.objects.exists()
    assert not ConsentRecord.objects.filter(purposes=["referral"]).exists()


def test_a_referral_is_seen_only_by_the_two_organizations(client, world, plan):
    resident = make_resident(world["district"])
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="需要创业指导", resident_consented=True, plan=plan)
    outsider = make_staff(make_org(world["district"], "youth"))
    client.force_login(outsider)
    assert client.get(f"/programs/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/programs/referrals/{referral.pk}/", {"status": "accepted"}).status_code == 404
    assert resident.name not in client.get("/programs/referrals/?side=in").content.decode()
    client.force_login(resident)
    assert client.get("/programs/referrals/").status_code == 403
    referral.refresh_from_db()
    assert referral.status == "pending"
