import pytest

from quntuan.cases.models import CaseEvent, CaseStatus
from quntuan.cases.services import (
    case_confirm_requester_informed,
    case_contact,
    case_transfer,
    case_transfer_accept,
    case_transfer_return,
)
from quntuan.cases.tests.core_fixtures import snapshot
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.core.testing import make_org
from quntuan.notifications.models import Notification


@pytest.fixture
def transferring(world, case):
    return case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属于妇女维权事项")


def test_transfer_waits_for_the_receiver(world, transferring):
    case = transferring
    assert case.status == CaseStatus.TRANSFERRING
    assert case.transfer_to_org == world.women
    assert case.transfer_reason == "属于妇女维权事项"
    assert case.handling_org == world.union
    assert case.contacted_at is not None  # the first handling step counts as response
    event = case.events.get(kind=CaseEvent.Kind.TRANSFER_REQUESTED)
    assert (event.actor, event.organization, event.target_org, event.note) == (
        world.union_receiver, world.union, world.women, "属于妇女维权事项")
    assert Notification.objects.filter(user=world.women_receiver, case=case).count() == 1


def test_accept_moves_the_case_and_keeps_the_first_inquirer(world, transferring):
    case = case_transfer_accept(case=transferring, actor=world.women_staff)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.handling_org == world.women
    assert case.handler is None
    assert case.transfer_to_org is None
    assert case.first_inquirer == world.union_receiver
    assert case.first_inquirer_org == world.union
    assert case.requester_informed_at is None
    event = case.events.get(kind=CaseEvent.Kind.TRANSFER_ACCEPTED)
    assert (event.actor, event.organization, event.target_org) == (world.women_staff, world.women, world.union)
    titles = list(Notification.objects.filter(user=world.resident, case=case).values_list("title", flat=True))
    assert "您的诉求已转办:QT-20261123-000001" in titles


def test_after_accept_the_receiving_staff_sign_for_it(world, transferring):
    case = case_transfer_accept(case=transferring, actor=world.women_staff)
    case = case_contact(case=case, actor=world.women_staff)
    assert case.handler == world.women_staff
    assert case.events.filter(kind=CaseEvent.Kind.ACCEPTED).count() == 1


def test_second_accept_is_told_who_won(world, transferring):
    stale = transferring
    case_transfer_accept(case=stale, actor=world.women_staff)
    with pytest.raises(Conflict) as exc:
        case_transfer_accept(case=stale, actor=world.women_receiver)
    assert exc.value.message == "该诉求已被周妇联接收。"
    assert exc.value.status_code == 409


def test_return_goes_back_to_the_first_inquirer_never_limbo(world, transferring):
    case = case_transfer_return(case=transferring, actor=world.women_staff, reason="不属于本会职责")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.handling_org == world.union
    assert case.handler == world.union_receiver
    assert case.transfer_to_org is None
    event = case.events.get(kind=CaseEvent.Kind.TRANSFER_RETURNED)
    assert event.note == "不属于本会职责"
    assert event.internal is True
    assert Notification.objects.filter(user=world.union_receiver, title="转办被退回:QT-20261123-000001").count() == 1


def test_return_after_a_second_transfer_goes_to_the_first_inquirers_org(world, transferring):
    case = case_transfer_accept(case=transferring, actor=world.women_staff)
    case = case_transfer(case=case, actor=world.women_staff, to_org=world.youth, reason="青年就业问题")
    case = case_transfer_return(case=case, actor=world.youth_staff, reason="不是青年")
    assert case.handling_org == world.union
    assert case.handler == world.union_receiver


def test_accept_after_return_is_told(world, transferring):
    stale = transferring
    case_transfer_return(case=stale, actor=world.women_staff, reason="不属于本会")
    with pytest.raises(Conflict) as exc:
        case_transfer_accept(case=stale, actor=world.women_receiver)
    assert exc.value.message == "该诉求已被周妇联退回。"


def test_return_needs_a_reason(world, transferring):
    before = snapshot(transferring)
    with pytest.raises(ApplicationError) as exc:
        case_transfer_return(case=transferring, actor=world.women_staff, reason="  ")
    assert exc.value.message == "退回理由不能为空。"
    assert snapshot(transferring) == before


@pytest.mark.parametrize("actor", ["union_staff", "youth_staff", "resident", "supervisor"])
def test_only_the_receiving_org_answers_a_transfer(world, transferring, actor):
    before = snapshot(transferring)
    with pytest.raises(PermissionDenied):
        case_transfer_accept(case=transferring, actor=getattr(world, actor))
    with pytest.raises(PermissionDenied):
        case_transfer_return(case=transferring, actor=getattr(world, actor), reason="理由")
    assert snapshot(transferring) == before


def test_transfer_needs_a_reason(world, case):
    before = snapshot(case)
    with pytest.raises(ApplicationError) as exc:
        case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="")
    assert exc.value.message == "转办理由不能为空。"
    assert snapshot(case) == before


def test_transfer_to_own_org_or_another_district_or_inactive_org_is_refused(world, case):
    before = snapshot(case)
    foreign = make_org(world.other_district, "women")
    inactive = make_org(world.district, "science")
    inactive.is_active = False
    inactive.save()
    messages = []
    for target in (world.union, foreign, inactive, None):
        with pytest.raises(ApplicationError) as exc:
            case_transfer(case=case, actor=world.union_receiver, to_org=target, reason="理由")
        messages.append(exc.value.message)
    assert messages == ["不能转办给本单位。", "接收单位不存在、已停用或不属于本区。",
                        "接收单位不存在、已停用或不属于本区。", "请选择接收单位。"]
    assert snapshot(case) == before


@pytest.mark.parametrize("actor", ["women_staff", "resident", "supervisor", "union_leader_of_other"])
def test_only_the_handling_org_transfers(world, case, actor):
    if actor == "union_leader_of_other":
        from quntuan.core.testing import make_staff

        user = make_staff(make_org(world.other_district, "union"), leader=True)
    else:
        user = getattr(world, actor)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        case_transfer(case=case, actor=user, to_org=world.women, reason="理由")
    assert snapshot(case) == before


def test_transfer_while_transferring_is_refused(world, transferring):
    before = snapshot(transferring)
    with pytest.raises(Conflict):
        case_transfer(case=transferring, actor=world.union_receiver, to_org=world.youth, reason="理由")
    assert snapshot(transferring) == before


def test_first_inquirer_confirms_the_requester_was_told(world, transferring):
    case = case_transfer_accept(case=transferring, actor=world.women_staff)
    with pytest.raises(PermissionDenied):
        case_confirm_requester_informed(case=case, actor=world.union_staff)
    case = case_confirm_requester_informed(case=case, actor=world.union_receiver)
    assert case.requester_informed_at is not None
    again = case_confirm_requester_informed(case=case, actor=world.union_receiver)
    assert again.requester_informed_at == case.requester_informed_at
    assert case.events.filter(kind=CaseEvent.Kind.REQUESTER_INFORMED).count() == 1
