"""Merging a repeat report into the case it repeats: nothing lost, both requesters told, counted
once, only by those who own both cases, and refused for the cases that must not merge."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quntuan.cases.models import Case, CaseEvent, CaseFollower, CaseStatus
from quntuan.cases.queries import case_queue, org_three_rates
from quntuan.cases.services import case_contact, case_merge, case_reply_and_close, case_submit
from quntuan.cases.tests.core_fixtures import snapshot
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.core.testing import make_community, make_org, make_service, make_staff
from quntuan.notifications.models import Notification, OutboundMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def pair(world):
    """The original (the resident's) and a repeat report of it by another resident, same
    community, both received by the union's on-duty receiver."""
    original = world.submit(community=world.community, title="华兴公司拖欠工资三个月",
                            content="我在华兴公司上班,公司拖欠我们三个月工资。")
    repeat = world.submit(community=world.community, requester=world.other_resident, requester_name="李四",
                          requester_mobile=world.other_resident.mobile, title="华兴公司不发工资",
                          content="华兴公司三个月没发工资了,工友都在找。",
                          attachments=[SimpleUploadedFile("工资条.png", PNG, content_type="image/png")])
    return original, repeat


def test_merge_makes_the_repeat_follow_the_original(world, pair):
    original, repeat = pair
    merged = case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    assert merged.pk == repeat.pk
    repeat.refresh_from_db()
    assert (repeat.status, repeat.merged_into_id, repeat.is_open) == (CaseStatus.MERGED, original.pk, False)
    assert repeat.closed_at is not None
    assert repeat.result == f"与 {original.tracking_no} 反映的是同一事项,已并入该诉求一并办理。"
    follower = CaseFollower.objects.get(case=original)
    assert (follower.via_case_id, follower.user_id, follower.name, follower.mobile) == (
        repeat.pk, world.other_resident.pk, "李四", world.other_resident.mobile)
    # one MERGED event on each case, by the actor, in the same call
    dup_event = repeat.events.get(kind=CaseEvent.Kind.MERGED)
    orig_event = original.events.get(kind=CaseEvent.Kind.MERGED)
    assert (dup_event.actor, dup_event.organization, dup_event.data["role"]) == (
        world.union_receiver, world.union, "duplicate")
    assert dup_event.note == f"已并入 {original.tracking_no}。"
    assert orig_event.note == f"{repeat.tracking_no} 反映同一事项,已并入本诉求。"
    assert orig_event.data == {"duplicate": repeat.tracking_no, "original": original.tracking_no, "role": "original"}


def test_nothing_is_lost(world, pair):
    original, repeat = pair
    events_before = list(repeat.events.values_list("pk", flat=True))
    attachment = repeat.attachments.get()
    messages_before = Notification.objects.filter(case=repeat).count()
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    # the repeat's own events, attachments and messages stay where they were, reached from the original
    via = original.merged_cases.get()
    assert via.pk == repeat.pk
    assert set(events_before) <= set(via.events.values_list("pk", flat=True))
    assert list(via.attachments.values_list("pk", "original_name")) == [(attachment.pk, "工资条.png")]
    assert Notification.objects.filter(case=repeat).count() == messages_before + 1
    assert Case.objects.filter(pk=repeat.pk).values_list("content", flat=True).get() == "华兴公司三个月没发工资了,工友都在找。"


def test_both_requesters_are_told(world, pair):
    original, repeat = pair
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    assert Notification.objects.filter(user=world.other_resident, case=repeat,
                                       title=f"您的诉求 {repeat.tracking_no} 已并入 {original.tracking_no}").count() == 1
    assert Notification.objects.filter(user=world.resident, case=original,
                                       title=f"您的诉求 {original.tracking_no} 有同一事项的反映并入").count() == 1
    sms = set(OutboundMessage.objects.filter(channel="sms", subject__contains="并入").values_list("recipient", flat=True))
    assert sms == {world.resident.mobile, world.other_resident.mobile}


def test_follower_gets_the_originals_progress_and_reply(world, pair):
    original, repeat = pair
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    case_contact(case=original, actor=world.union_staff)
    case_reply_and_close(case=original, actor=world.union_staff, result="已督促华兴公司补发工资。")
    follower_titles = list(Notification.objects.filter(user=world.other_resident).order_by("id")
                           .values_list("title", flat=True))
    assert follower_titles[-1].startswith(f"(同一事项 {original.tracking_no})")
    reply = Notification.objects.filter(user=world.other_resident, body__contains="已督促华兴公司补发工资").get()
    assert reply.case_id == repeat.pk  # the follower's link is to their own case
    assert reply.link.endswith(f"/{repeat.pk}/")
    # the original's requester got the reply once, not the follower's copy
    assert Notification.objects.filter(user=world.resident, body__contains="已督促华兴公司补发工资").count() == 1


def test_merge_twice_is_a_retry(world, pair):
    original, repeat = pair
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    before = (CaseEvent.objects.count(), Notification.objects.count(), OutboundMessage.objects.count())
    again = case_merge(actor=world.union_receiver, duplicate=repeat.pk, into=original.pk)
    assert again.merged_into_id == original.pk
    assert (CaseEvent.objects.count(), Notification.objects.count(), OutboundMessage.objects.count()) == before
    assert CaseFollower.objects.count() == 1


def test_statistics_count_the_matter_once(world, pair):
    original, repeat = pair
    day = date(2026, 11, 23)
    assert org_three_rates(organization=world.union, start=day, end=day)["counts"]["received"] == 2
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    rates = org_three_rates(organization=world.union, start=day, end=day)
    assert rates["counts"]["received"] == 1
    queue = list(case_queue(user=world.union_receiver, queue="first_inquiry").values_list("pk", flat=True))
    assert queue == [original.pk]
    org_queue = list(case_queue(user=world.union_staff, queue="org").values_list("pk", flat=True))
    assert repeat.pk not in org_queue


@pytest.mark.parametrize("who", ["resident", "women_staff", "youth_staff", "supervisor", "other_resident"])
def test_others_may_not_merge(world, pair, who):
    original, repeat = pair
    before = (snapshot(original), snapshot(repeat))
    with pytest.raises(PermissionDenied) as err:
        case_merge(actor=getattr(world, who), duplicate=repeat, into=original)
    assert "只有首问责任人或承办单位的工作人员才能合并诉求" in err.value.message
    assert (snapshot(original), snapshot(repeat)) == before
    assert CaseFollower.objects.count() == 0


def test_must_own_both_cases(world, pair):
    original, _repeat = pair
    women_case = world.submit(service=None, organization=world.women, title="家暴求助", content="丈夫打人")
    assert women_case.handling_org == world.women
    with pytest.raises(PermissionDenied) as err:
        case_merge(actor=world.union_staff, duplicate=women_case, into=original)
    assert err.value.message == f"只有首问责任人或承办单位的工作人员才能合并诉求 {women_case.tracking_no}。"


def test_refuses_merging_into_itself(world, pair):
    original, _ = pair
    with pytest.raises(ApplicationError) as err:
        case_merge(actor=world.union_receiver, duplicate=original, into=original)
    assert err.value.message == "不能把诉求并入它自己。"


def test_refuses_merging_into_a_merged_case_and_chains(world, pair):
    original, repeat = pair
    third = world.submit(community=world.community, title="华兴公司欠薪", content="华兴公司欠薪三个月")
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    with pytest.raises(Conflict) as err:
        case_merge(actor=world.union_receiver, duplicate=third, into=repeat)
    assert err.value.message == f"{repeat.tracking_no} 已并入其他诉求,请并入原诉求。"
    # the original has a repeat merged into it: it may not itself be merged elsewhere
    with pytest.raises(ApplicationError) as err:
        case_merge(actor=world.union_receiver, duplicate=original, into=third)
    assert err.value.message == f"已有其他诉求并入 {original.tracking_no},不能再把它并入其他诉求(不允许链式合并)。"
    # a merged case cannot be merged again into another one
    with pytest.raises(Conflict) as err:
        case_merge(actor=world.union_receiver, duplicate=repeat, into=third)
    assert err.value.message == f"{repeat.tracking_no} 已并入其他诉求。"


def test_refuses_a_closed_duplicate(world, pair):
    original, repeat = pair
    case_contact(case=repeat, actor=world.union_staff)
    case_reply_and_close(case=repeat, actor=world.union_staff, result="已答复")
    with pytest.raises(ApplicationError) as err:
        case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    assert err.value.message == "已办结或已转出的诉求不能再并入其他诉求。"


def test_refuses_across_districts(world, pair):
    original, _ = pair
    other_union = make_org(world.other_district, "union")
    receiver = make_staff(other_union, on_duty=True)
    elsewhere = case_submit(district=world.other_district, title="欠薪", content="公司欠薪",
                            requester_name="王五", requester_mobile="13900003333", channel="web",
                            service=make_service(other_union), community=make_community(world.other_district, "远方社区"))
    # a platform administrator-like actor who belongs to both: give the receiver both memberships
    from quntuan.organizations.models import Membership
    Membership.objects.create(user=receiver, organization=world.union)
    with pytest.raises(ApplicationError) as err:
        case_merge(actor=receiver, duplicate=elsewhere, into=original)
    assert err.value.message == "不同区的诉求不能合并。"


def test_admin_shows_the_follower_and_merged_into(world, pair, admin_client):
    original, repeat = pair
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    page = admin_client.get(f"/admin/cases/case/{original.pk}/change/")
    assert page.status_code == 200
    assert "李四" in page.content.decode()
    page = admin_client.get(f"/admin/cases/case/{repeat.pk}/change/")
    assert original.tracking_no in page.content.decode()
