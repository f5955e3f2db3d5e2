"""The district's rules page (weekly cap, quiet hours, policy version), e-mail and SMS through the
notifications app's outbound queue, and residents who cannot see one another's data."""

from datetime import date, datetime, time

import pytest
from django.core import mail

from quntuan.accounts.models import Role
from quntuan.core.testing import make_resident, make_user
from quntuan.notifications.models import Notification, OutboundMessage
from quntuan.programs import services
from quntuan.programs.models import ConsentRecord, FanoutShard, NoticeDelivery, ProgramRules
from quntuan.programs.tests.conftest import resident_with

UNEMPLOYED = {"attr": "employment_status", "op": "eq", "value": "unemployed"}
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=services.local_tz())


@pytest.fixture
def supervisor(world):
    return make_user(Role.SUPERVISOR, world["district"])


def test_the_district_supervisor_sets_the_rules_and_they_apply(client, world, supervisor,
                                                                django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    page = client.get("/programs/rules/").content.decode()
    assert 'value="3"' in page and "推送规则" in page
    bad = client.post("/programs/rules/", {"weekly_cap": "0", "quiet_start": "21:00", "quiet_end": "08:00",
                                           "policy_version": "2026.2"})
    assert bad.status_code == 400
    response = client.post("/programs/rules/", {"weekly_cap": "1", "quiet_start": "22:00", "quiet_end": "07:00",
                                                "policy_version": "2026.2"})
    assert response.status_code == 302
    rules = ProgramRules.objects.get(district=world["district"])
    assert (rules.weekly_cap, rules.quiet_start, rules.quiet_end, rules.policy_version) == (
        1, time(22), time(7), "2026.2")
    # new consents carry the new version; the cap of 1 holds across two organizations
    resident = resident_with(world, employment_status="unemployed")
    assert ConsentRecord.objects.get(resident=resident).policy_version == "2026.2"
    for org, staff in ((world["union"], world["union_staff"]), (world["women"], world["women_staff"])):
        notice = services.notice_create(actor=staff, organization=org, title="培训", body="报名",
                                        purpose="employment", criteria=UNEMPLOYED)
        with django_capture_on_commit_callbacks(execute=False):
            services.notice_publish(actor=staff, notice=notice, now=NOON)
        services.notice_fanout_batch(shard_id=FanoutShard.objects.get(notice=notice).pk, now=NOON)
    assert sorted(NoticeDelivery.objects.filter(resident=resident).values_list("status", flat=True)) == [
        "capped", "sent"]


def test_only_the_districts_supervisor_may_change_the_rules(client, world, supervisor):
    client.force_login(world["union_staff"])
    assert client.get("/programs/rules/").status_code == 403
    client.force_login(make_resident(world["district"]))
    assert client.get("/programs/rules/").status_code in (302, 403)
    with pytest.raises(services.PermissionDenied):
        services.rules_update(actor=world["union_staff"], district=world["district"], weekly_cap=5,
                              quiet_start=time(21), quiet_end=time(8), policy_version="x")
    with pytest.raises(services.ApplicationError) as exc:
        services.rules_update(actor=supervisor, district=world["district"], weekly_cap=99,
                              quiet_start=time(21), quiet_end=time(8), policy_version="x")
    assert exc.value.message == "每位居民每周最多推送条数应为 1 到 21 之间的整数。"
    assert not ProgramRules.objects.exists()


def test_email_and_sms_go_through_the_notifications_outbound_queue(world, django_capture_on_commit_callbacks,
                                                                    settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resident = resident_with(world, employment_status="unemployed")
    resident.email = "chen@example.com"
    resident.save(update_fields=["email"])
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="免费电工培训",
                                    body="区总工会开设电工培训", purpose="employment", criteria=UNEMPLOYED,
                                    channels=["inbox", "email", "sms"])
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=NOON)
    shard = FanoutShard.objects.get(notice=notice).pk
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_fanout_batch(shard_id=shard, now=NOON)
        services.notice_fanout_batch(shard_id=shard, now=NOON)  # a retry sends nothing twice
    rows = OutboundMessage.objects.order_by("channel")
    assert [(m.channel, m.recipient) for m in rows] == [("email", "chen@example.com"), ("sms", resident.mobile)]
    assert all(m.status == "sent" for m in rows)
    assert "免费电工培训" in rows[1].body
    assert [m.to for m in mail.outbox] == [["chen@example.com"]]
    assert Notification.objects.filter(user=resident, dedup_key__startswith=f"notice:{notice.pk}:").count() == 1


def test_a_resident_sees_only_their_own_data(client, world, django_capture_on_commit_callbacks):
    first = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    services.consent_grant(resident=first, purposes=["hardship"])
    services.profile_update(resident=first, attributes={"hardship": "subsistence"})
    second = resident_with(world, consent=("culture",))
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="免费电工培训",
                                    body="报名", purpose="employment", criteria=UNEMPLOYED)
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=NOON)
    services.notice_fanout_batch(shard_id=FanoutShard.objects.get(notice=notice).pk, now=NOON)
    client.force_login(second)
    for url in ("/programs/me/", "/programs/me/export.json", "/api/programs/me"):
        body = client.get(url).content.decode()
        assert first.name not in body, url
        assert first.mobile not in body and "低保" not in body, url
    assert client.get(f"/programs/notices/{notice.pk}/").status_code in (302, 404)
    assert client.post(f"/api/programs/notices/{notice.pk}/signup").status_code == 404
    assert not NoticeDelivery.objects.filter(resident=second).exists()
    # the API answers for the caller only: there is no resident id to ask about someone else
    assert client.get(f"/api/programs/me?resident_id={first.pk}").json()["账户"]["姓名"] == second.name

