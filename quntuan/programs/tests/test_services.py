from datetime import date, datetime, time

import pytest
from django.db import connection

from quntuan.core.exceptions import ApplicationError, PermissionDenied
from quntuan.notifications.models import Notification
from quntuan.programs import services
from quntuan.programs.models import (
    ConsentRecord,
    FanoutShard,
    NoticeDelivery,
    Plan,
    ProgramRules,
    Referral,
    ResidentProfile,
)
from quntuan.programs.tests.conftest import resident_with

UNEMPLOYED = {"all": [{"attr": "employment_status", "op": "eq", "value": "unemployed"},
                      {"attr": "age", "op": "between", "value": [18, 45]}]}


def _plan(world, staff=None, org=None):
    return services.plan_create(actor=staff or world["union_staff"], organization=org or world["union"],
                                data=services.PlanInput(title="职工技能提升计划", goal="培训 200 名失业职工",
                                                        start_date=date(2026, 3, 1), end_date=date(2026, 6, 30),
                                                        kind=Plan.Kind.TRAINING, capacity=200))


def test_only_the_owning_organization_edits_its_plan(world):
    plan = _plan(world)
    data = services.PlanInput(title="改名", goal="x", start_date=date(2026, 3, 1), end_date=date(2026, 6, 30))
    with pytest.raises(PermissionDenied) as exc:
        services.plan_update(actor=world["women_staff"], plan=plan, data=data)
    assert exc.value.message == "只有发布该计划的组织可以修改它。"
    plan.refresh_from_db()
    assert plan.title == "职工技能提升计划"
    with pytest.raises(PermissionDenied):
        services.plan_record_outcomes(actor=world["women_staff"], plan=plan, outcomes={"trained": 5})
    services.plan_record_outcomes(actor=world["union_staff"], plan=plan, outcomes={"trained": 120, "reemployed": 45})
    plan.refresh_from_db()
    assert (plan.trained, plan.reemployed, plan.jobs_created) == (120, 45, 0)
    # other organizations comment or offer to co-host
    comment = services.plan_comment(actor=world["women_staff"], plan=plan, organization=world["women"],
                                    body="妇联可协办女职工专场", kind="cohost")
    assert comment.get_kind_display() == "申请协办"


def test_plan_dates_must_be_in_order(world):
    with pytest.raises(ApplicationError) as exc:
        services.plan_create(actor=world["union_staff"], organization=world["union"],
                             data=services.PlanInput(title="t", goal="g", start_date=date(2026, 6, 1),
                                                     end_date=date(2026, 5, 1)))
    assert exc.value.message == "结束日期不能早于开始日期。"


def test_audience_counts_only_consenting_residents_by_community(world):
    resident_with(world, employment_status="unemployed", birth_date=date(1990, 5, 1))
    resident_with(world, community=world["b"], employment_status="unemployed", birth_date=date(1995, 5, 1))
    resident_with(world, consent=(), employment_status="unemployed", birth_date=date(1990, 5, 1))  # no consent
    resident_with(world, consent=("culture",), employment_status="unemployed", birth_date=date(1990, 5, 1))
    resident_with(world, employment_status="employed", birth_date=date(1990, 5, 1))
    summary = services.audience_summary(district_id=world["district"].pk, criteria=UNEMPLOYED,
                                        purpose="employment", today=date(2026, 11, 23))
    assert summary["total"] == 2
    assert sorted((r["community"], r["count"]) for r in summary["by_community"]) == [("和平社区", 1), ("幸福社区", 1)]
    assert set(summary) == {"total", "by_community", "description"}


@pytest.mark.parametrize("criteria, message", [
    ({}, "筛选条件不能为空。"),
    ({"all": []}, "筛选条件不能为空。"),
    ({"attr": "salary", "op": "eq", "value": 1}, "未知的筛选属性:salary"),
    ({"attr": "age", "op": "between", "value": [40, 30]}, "年龄范围自相矛盾:最小 40 岁大于最大 30 岁。"),
    ({"all": [{"attr": "gender", "op": "eq", "value": "male"}, {"attr": "gender", "op": "eq", "value": "female"}]},
     "筛选条件自相矛盾:“性别”不能同时取不同的值。"),
    ({"all": [{"attr": "age", "op": "gte", "value": 60}, {"attr": "age", "op": "lte", "value": 30}]},
     "筛选条件自相矛盾:“年龄”的范围没有交集。"),
])
def test_bad_criteria_get_a_chinese_message(world, criteria, message):
    with pytest.raises(ApplicationError) as exc:
        services.target_group_save(actor=world["union_staff"], organization=world["union"], name="失业青年",
                                   criteria=criteria)
    assert exc.value.message.startswith(message)
    assert exc.value.status_code == 400


def test_sensitive_attributes_need_consent_and_are_encrypted_at_rest(world):
    resident = resident_with(world)
    with pytest.raises(ApplicationError) as exc:
        services.profile_update(resident=resident, attributes={"hardship": "subsistence"})
    assert exc.value.message == "请先单独同意使用您的家庭困难信息,再填写。"
    services.consent_grant(resident=resident, purposes=["hardship", "disability"])
    services.profile_update(resident=resident, attributes={"hardship": "subsistence", "disability_type": "visual",
                                                            "disability_grade": "2"})
    profile = ResidentProfile.objects.get(user=resident)
    with connection.cursor() as cursor:
        cursor.execute("SELECT disability_cipher, hardship_cipher, hardship_hmac FROM programs_residentprofile "
                       "WHERE id = %s", [profile.pk])
        raw = " ".join(cursor.fetchone())
    for plain in ("subsistence", "visual", "低保", "disability_type"):
        assert plain not in raw
    assert services.profile_sensitive(profile=profile, viewer=resident) == {
        "disability_type": "visual", "disability_grade": "2", "hardship": "subsistence"}
    assert services.profile_sensitive(profile=profile, viewer=world["union_staff"]) == {
        "disability_type": "***", "disability_grade": "***", "hardship": "***"}
    # matched through the keyed hash, without decrypting
    criteria = {"attr": "hardship", "op": "in", "value": ["subsistence", "extreme"]}
    assert services.audience_summary(district_id=world["district"].pk, criteria=criteria,
                                     purpose="employment")["total"] == 1
    # withdrawing the category erases the values at once
    services.consent_withdraw(resident=resident, purposes=["hardship"])
    profile.refresh_from_db()
    assert (profile.hardship_cipher, profile.hardship_hmac) == ("", "")
    assert services.audience_summary(district_id=world["district"].pk, criteria=criteria,
                                     purpose="employment")["total"] == 0
    actions = list(ConsentRecord.objects.filter(resident=resident).order_by("id").values_list("action", "purposes"))
    assert actions == [("grant", ["employment"]), ("grant", ["disability", "hardship"]), ("withdraw", ["hardship"])]


def test_export_holds_everything(world):
    resident = resident_with(world, gender="female")
    data = services.resident_export(resident=resident)
    assert data["画像"]["性别"] == "女"
    assert data["当前授权"]["就业培训"] is True
    assert [r["操作"] for r in data["授权记录"]] == ["同意"]


def _shard(notice) -> int:
    return FanoutShard.objects.get(notice=notice).pk


def _notice(world, criteria=UNEMPLOYED, **kw):
    return services.notice_create(actor=world["union_staff"], organization=world["union"], title="免费技能培训报名",
                                  body="区总工会开设电工、育婴师培训。", purpose="employment", criteria=criteria, **kw)


def test_notice_with_no_audience_is_refused(world):
    resident_with(world, consent=(), employment_status="unemployed", birth_date=date(1990, 1, 1))
    notice = _notice(world)
    with pytest.raises(ApplicationError) as exc:
        services.notice_publish(actor=world["union_staff"], notice=notice)
    assert exc.value.message == "没有符合条件且同意接收此类推送的居民,无法发布。"
    assert NoticeDelivery.objects.count() == 0


def test_fanout_never_contacts_a_resident_who_withdrew_mid_way(world, django_capture_on_commit_callbacks):
    residents = [resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1)) for _ in range(6)]
    silent = resident_with(world, consent=(), employment_status="unemployed", birth_date=date(1990, 1, 1))
    notice = _notice(world)
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=services.local_tz())
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=noon)
    assert services.notice_fanout_batch(shard_id=_shard(notice), batch_size=2, now=noon) == "more"
    services.consent_withdraw(resident=residents[4], purposes=["employment"])  # after the first batch
    while services.notice_fanout_batch(shard_id=_shard(notice), batch_size=2, now=noon) == "more":
        pass
    # a retried batch sends nothing twice
    assert services.notice_fanout_batch(shard_id=_shard(notice), batch_size=2, now=noon) == "stopped"
    reached = set(NoticeDelivery.objects.filter(notice=notice).values_list("resident_id", flat=True))
    assert reached == {r.pk for i, r in enumerate(residents) if i != 4}
    assert not Notification.objects.filter(user__in=[silent, residents[4]]).exclude(
        dedup_key__startswith="referral").filter(dedup_key__startswith="notice").exists()
    assert Notification.objects.filter(dedup_key__startswith=f"notice:{notice.pk}:").count() == 5
    notice.refresh_from_db()
    progress = services.notice_progress(notice=notice)
    assert (progress["status"], progress["delivered"], progress["percent"]) == ("done", 5, 100)


def test_weekly_cap_across_organizations(world, django_capture_on_commit_callbacks):
    ProgramRules.objects.create(district=world["district"], weekly_cap=1)
    resident = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=services.local_tz())
    first = _notice(world)
    second = services.notice_create(actor=world["women_staff"], organization=world["women"], title="巾帼创业",
                                    body="创业培训", purpose="employment", criteria=UNEMPLOYED)
    for notice, staff in ((first, world["union_staff"]), (second, world["women_staff"])):
        with django_capture_on_commit_callbacks(execute=False):
            services.notice_publish(actor=staff, notice=notice, now=noon)
        services.notice_fanout_batch(shard_id=_shard(notice), now=noon)
    statuses = dict(NoticeDelivery.objects.filter(resident=resident).values_list("notice_id", "status"))
    assert statuses == {first.pk: "sent", second.pk: "capped"}
    assert Notification.objects.filter(user=resident, dedup_key__startswith="notice").count() == 1


def test_quiet_hours_delay_the_fanout(world, django_capture_on_commit_callbacks):
    resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    late = datetime(2026, 11, 23, 22, 30, tzinfo=services.local_tz())
    notice = _notice(world)
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=late)
    notice.refresh_from_db()
    assert notice.not_before == datetime(2026, 11, 24, 8, 0, tzinfo=services.local_tz())
    assert services.notice_fanout_batch(shard_id=_shard(notice), now=late) == "wait"
    assert NoticeDelivery.objects.count() == 0
    assert services.quiet_until(district_id=world["district"].pk,
                                now=datetime.combine(date(2026, 11, 23), time(12), tzinfo=services.local_tz())) is None


def test_referral_needs_the_residents_own_consent_and_receiving_org_decides(world):
    resident = resident_with(world)
    plan = _plan(world, staff=world["women_staff"], org=world["women"])
    referral = services.referral_create(actor=world["union_staff"], from_organization=world["union"],
                                        resident=resident, reason="想创业", plan=plan)
    assert referral.status == Referral.Status.AWAITING_CONSENT
    with pytest.raises(PermissionDenied):  # the receiver cannot act before the resident agrees
        services.referral_decide(actor=world["women_staff"], referral=referral, status="accepted")
    services.referral_consent(resident=resident, referral=referral, agree=True)
    with pytest.raises(PermissionDenied):
        services.referral_decide(actor=world["union_staff"], referral=referral, status="accepted")
    services.referral_decide(actor=world["women_staff"], referral=referral, status="accepted")
    services.referral_decide(actor=world["women_staff"], referral=referral, status="completed", outcome="已开店")
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (Referral.Status.COMPLETED, "已开店")
    history = services.resident_export(resident=resident)
    assert history["授权记录"][-1]["用途"] == ["转介"]
    assert history["转介"][0]["本人同意时间"] is not None


def test_a_stalled_fanout_resumes_from_its_cursor(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from quntuan.programs.models import Notice
    from quntuan.programs.tasks import resume_fanouts

    residents = [resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1)) for _ in range(3)]
    notice = _notice(world)
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice)
    Notice.objects.filter(pk=notice.pk).update(not_before=None)
    services.notice_fanout_batch(shard_id=_shard(notice), batch_size=1)  # then the worker died
    Notice.objects.filter(pk=notice.pk).update(updated_at=notice.created_at - timedelta(hours=1))
    assert resume_fanouts() == 1  # eager here: runs the remaining batches
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DONE
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("resident_id", flat=True)) == {
        r.pk for r in residents}
    assert resume_fanouts() == 0


def test_shards_cover_the_audience_exactly_once(world, django_capture_on_commit_callbacks, monkeypatch):
    from quntuan.programs.models import Notice
    from quntuan.programs.tasks import notice_fanout

    monkeypatch.setattr(services, "SHARD_SIZE", 2)
    residents = [resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1)) for _ in range(7)]
    notice = _notice(world)
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice)
    Notice.objects.filter(pk=notice.pk).update(not_before=None)
    assert FanoutShard.objects.filter(notice=notice).count() == 4
    assert notice_fanout(notice.pk, 2) == "shards:4"  # eager: every shard's chain runs here
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DONE
    assert sorted(NoticeDelivery.objects.filter(notice=notice).values_list("resident_id", flat=True)) == sorted(
        r.pk for r in residents)


def test_a_withdrawal_racing_the_audience_query_still_wins(world, django_capture_on_commit_callbacks, monkeypatch):
    """The batch reads the audience, then locks the profiles: a withdrawal that committed in
    between (simulated by an audience read that ignores consent) is honoured under the lock."""
    stays = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    leaves = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    notice = _notice(world)
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=services.local_tz())
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=noon)
    services.consent_withdraw(resident=leaves, purposes=["employment"])
    stale = ResidentProfile.objects.filter(district_id=world["district"].pk)
    monkeypatch.setattr(services, "audience_queryset", lambda **kw: stale)
    while services.notice_fanout_batch(shard_id=_shard(notice), now=noon) == "more":
        pass
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("resident_id", flat=True)) == {stays.pk}
    assert not Notification.objects.filter(user=leaves, dedup_key__startswith="notice").exists()
