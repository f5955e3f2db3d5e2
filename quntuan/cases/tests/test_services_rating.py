from datetime import date, datetime

import pytest

from quntuan.cases.models import CaseEvent, CaseStatus, ExtensionRequest, FollowUp, Rating
from quntuan.cases.services import (
    case_contact,
    case_decide_extension,
    case_rate,
    case_reply_and_close,
    case_request_extension,
    escalation_sweep,
    followup_record,
)
from quntuan.cases.tests.core_fixtures import SHANGHAI, snapshot
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.notifications.models import Notification


@pytest.fixture
def closed(world, case):
    case_contact(case=case, actor=world.union_staff)
    return case_reply_and_close(case=case, actor=world.union_staff, result="已补发工资")


# --- extension -------------------------------------------------------------------------------------------
def test_extension_approved_by_the_leader_moves_the_deadline(world, case):
    extension = case_request_extension(case=case, actor=world.union_staff, days=3, reason="需等待仲裁结果")
    assert extension.status == ExtensionRequest.Status.PENDING
    assert Notification.objects.filter(user=world.union_leader, case=case).count() == 1
    extension = case_decide_extension(case=case, actor=world.union_leader, approve=True, note="同意")
    case.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.APPROVED
    assert case.due_date == date(2026, 12, 3)
    assert case.red_flag_after == date(2026, 12, 4)
    assert case.extended is True
    assert case.events.get(kind="extension_approved").data == {
        "days": 3, "old_due_date": "2026-11-30", "due_date": "2026-12-03"}
    assert Notification.objects.filter(user=world.resident, title="办理时限已延长:QT-20261123-000001").count() == 1


def test_extension_rejected_keeps_the_deadline(world, case):
    case_request_extension(case=case, actor=world.union_staff, days=3, reason="理由")
    extension = case_decide_extension(case=case, actor=world.union_leader, approve=False, note="不同意")
    case.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REJECTED
    assert case.due_date == date(2026, 11, 30)
    assert case.extended is False


def test_only_one_extension_per_case(world, case):
    case_request_extension(case=case, actor=world.union_staff, days=3, reason="理由")
    case_decide_extension(case=case, actor=world.union_leader, approve=False)
    before = snapshot(case)
    with pytest.raises(Conflict) as exc:
        case_request_extension(case=case, actor=world.union_staff, days=2, reason="再申请")
    assert exc.value.message == "每件诉求只能申请一次延期。"
    assert snapshot(case) == before


def test_extension_must_be_asked_before_the_deadline(world, case, monday):
    monday.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(Conflict) as exc:
        case_request_extension(case=case, actor=world.union_staff, days=3, reason="理由")
    assert exc.value.message == "已超过办结时限(2026-11-30),不能再申请延期。"
    assert ExtensionRequest.objects.count() == 0


@pytest.mark.parametrize("actor", ["union_staff", "women_leader", "resident", "supervisor"])
def test_only_a_leader_of_the_handling_org_decides(world, case, actor):
    case_request_extension(case=case, actor=world.union_staff, days=3, reason="理由")
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        case_decide_extension(case=case, actor=getattr(world, actor), approve=True)
    assert snapshot(case) == before
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING


def test_extension_request_checks(world, case):
    with pytest.raises(PermissionDenied):
        case_request_extension(case=case, actor=world.women_staff, days=3, reason="理由")
    with pytest.raises(ApplicationError) as exc:
        case_request_extension(case=case, actor=world.union_staff, days=0, reason="理由")
    assert exc.value.message == "延期天数应在 1 至 30 个工作日之间。"
    with pytest.raises(ApplicationError):
        case_request_extension(case=case, actor=world.union_staff, days=2, reason="")
    with pytest.raises(Conflict):
        case_decide_extension(case=case, actor=world.union_leader, approve=True)
    assert ExtensionRequest.objects.count() == 0


# --- rating ---------------------------------------------------------------------------------------------
def test_satisfied_rating(world, closed):
    rating = case_rate(case=closed, actor=world.resident, solved=True, level="satisfied", comment="谢谢")
    assert (rating.round, rating.solved, rating.level, rating.rated_by) == (0, True, "satisfied", world.resident)
    closed.refresh_from_db()
    assert closed.status == CaseStatus.CLOSED
    assert closed.events.get(kind="rated").data == {"round": 0, "solved": True, "level": "satisfied"}


def test_dissatisfied_reopens_once(world, closed, monday):
    monday.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    case_rate(case=closed, actor=world.resident, solved=False, level="dissatisfied", comment="工资没到账")
    case = closed
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopen_count == 1
    assert case.closed_at is None
    assert case.result == ""
    assert case.clock_start == date(2026, 11, 24)
    assert case.due_date == date(2026, 12, 1)
    assert case.handling_org == world.union
    reopened = case.events.get(kind=CaseEvent.Kind.REOPENED)
    assert reopened.data["previous_result"] == "已补发工资"
    assert Notification.objects.filter(user=world.resident, title="您的诉求已重新办理:QT-20261123-000001").count() == 1
    # Second round: dissatisfied again does not reopen a second time.
    case_reply_and_close(case=case, actor=world.union_staff, result="已再次协调")
    rating = case_rate(case=case, actor=world.resident, solved=False, level="dissatisfied")
    case.refresh_from_db()
    assert rating.round == 1
    assert case.status == CaseStatus.CLOSED
    assert case.reopen_count == 1
    assert Rating.objects.filter(case=case).count() == 2


def test_rating_refusals(world, case, closed):
    before = snapshot(closed)
    for actor in (world.other_resident, world.union_staff, world.supervisor):
        with pytest.raises(PermissionDenied):
            case_rate(case=closed, actor=actor, solved=True, level="satisfied")
    with pytest.raises(ApplicationError) as exc:
        case_rate(case=closed, actor=world.resident, solved=True, level="great")
    assert exc.value.message == "请选择满意、基本满意或不满意。"
    with pytest.raises(ApplicationError):
        case_rate(case=closed, actor=world.resident, solved=True, level="satisfied", comment="好" * 5001)
    assert snapshot(closed) == before
    assert Rating.objects.count() == 0
    case_rate(case=closed, actor=world.resident, solved=True, level="basic")
    with pytest.raises(Conflict) as exc:
        case_rate(case=closed, actor=world.resident, solved=True, level="satisfied")
    assert exc.value.message == "本轮办理结果已评价,不能重复评价。"
    assert Rating.objects.count() == 1


def test_rating_an_open_case_is_refused(world, case):
    before = snapshot(case)
    with pytest.raises(Conflict) as exc:
        case_rate(case=case, actor=world.resident, solved=True, level="satisfied")
    assert exc.value.message == "诉求办结后才能评价。"
    assert snapshot(case) == before


def test_case_without_account_cannot_be_rated_online(world):
    case = world.submit(requester=None)
    case_reply_and_close(case=case, actor=world.union_staff, result="好")
    with pytest.raises(PermissionDenied):
        case_rate(case=case, actor=world.resident, solved=True, level="satisfied")


# --- follow-up ------------------------------------------------------------------------------------------------
def test_followup_opened_after_three_working_days_and_recorded(world, closed, monday):
    # Closed Monday 23 Nov; three working days pass on Thursday 26 Nov; opened from Friday.
    monday.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    assert escalation_sweep()["followups"] == 0
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    assert escalation_sweep()["followups"] == 1
    followup = FollowUp.objects.get(case=closed)
    assert (followup.round, followup.status, followup.due_date) == (0, "open", date(2026, 12, 2))
    with pytest.raises(PermissionDenied):
        followup_record(followup=followup, actor=world.youth_staff, outcome="satisfied", solved=True)
    with pytest.raises(ApplicationError):
        followup_record(followup=followup, actor=world.union_staff, outcome="happy", solved=True)
    followup = followup_record(followup=followup, actor=world.union_staff, outcome="basic", solved=True,
                               note="电话回访,基本满意")
    assert (followup.status, followup.outcome, followup.solved, followup.done_by) == (
        "done", "basic", True, world.union_staff)
    rating = Rating.objects.get(case=closed)
    assert (rating.level, rating.solved, rating.rated_by) == ("basic", True, world.union_staff)
    with pytest.raises(Conflict):
        followup_record(followup=followup, actor=world.union_staff, outcome="basic", solved=True)


def test_followup_unreachable_gives_no_rating(world, closed, monday):
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    escalation_sweep()
    followup = followup_record(followup=FollowUp.objects.get(), actor=world.union_receiver,
                               outcome="unreachable", solved=None)
    assert followup.solved is None
    assert Rating.objects.count() == 0


def test_followup_dissatisfied_reopens(world, closed, monday):
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    escalation_sweep()
    followup_record(followup=FollowUp.objects.get(), actor=world.union_staff, outcome="dissatisfied",
                    solved=False, note="仍未解决")
    closed.refresh_from_db()
    assert (closed.status, closed.reopen_count) == (CaseStatus.IN_PROGRESS, 1)


def test_online_rating_closes_the_open_followup(world, closed, monday):
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    escalation_sweep()
    case_rate(case=closed, actor=world.resident, solved=True, level="satisfied")
    followup = FollowUp.objects.get()
    assert (followup.status, followup.outcome, followup.solved) == ("done", "satisfied", True)


def test_rated_case_gets_no_followup(world, closed, monday):
    case_rate(case=closed, actor=world.resident, solved=True, level="satisfied")
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    assert escalation_sweep()["followups"] == 0
