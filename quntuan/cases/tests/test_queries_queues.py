from datetime import datetime

import pytest

from quntuan.cases.queries import case_queue, case_timeline, overdue_board
from quntuan.cases.services import (
    case_add_cohandler,
    case_add_note,
    case_contact,
    case_reply_and_close,
    case_transfer,
    case_transfer_accept,
    escalation_sweep,
)
from quntuan.cases.tests.core_fixtures import SHANGHAI
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.core.testing import make_service


def nos(qs):
    return [c.tracking_no[-3:] for c in qs]


@pytest.fixture
def queues(world):
    consult = make_service(world.union, name="咨询", time_limit_class=TimeLimitClass.CONSULT)
    a = world.submit()                                  # 001 due 11-30
    b = world.submit(service=consult)                   # 002 due 11-24
    c = world.submit()                                  # 003
    case_contact(case=a, actor=world.union_staff)
    case_contact(case=b, actor=world.union_staff)
    case_transfer(case=c, actor=world.union_receiver, to_org=world.women, reason="妇联事项")
    case_add_cohandler(case=a, actor=world.union_staff, organization=world.youth, task="协助", days=2)
    return a, b, c


def test_queues_sorted_by_due(world, queues):
    assert nos(case_queue(user=world.union_staff, queue="mine")) == ["002", "001"]
    assert nos(case_queue(user=world.union_leader, queue="org")) == ["002", "001", "003"]
    assert nos(case_queue(user=world.union_receiver, queue="first_inquiry")) == ["002", "001", "003"]
    assert nos(case_queue(user=world.women_staff, queue="transfers_in")) == ["003"]
    assert nos(case_queue(user=world.youth_staff, queue="cohandling")) == ["001"]
    assert nos(case_queue(user=world.women_staff, queue="mine")) == []
    assert nos(case_queue(user=world.resident, queue="org")) == []


def test_first_inquiry_queue_after_transfer_until_closed(world, queues):
    _, _, c = queues
    c = case_transfer_accept(case=c, actor=world.women_staff)
    assert "003" in nos(case_queue(user=world.union_receiver, queue="first_inquiry"))
    assert nos(case_queue(user=world.women_staff, queue="org")) == ["003"]
    case_reply_and_close(case=c, actor=world.women_staff, result="已办")
    assert "003" not in nos(case_queue(user=world.union_receiver, queue="first_inquiry"))


def test_overdue_queue_and_boards(world, queues, monday):
    monday.move_to(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))  # 002 past its due day 11-24
    assert nos(case_queue(user=world.union_staff, queue="overdue")) == ["002"]
    assert nos(case_queue(user=world.women_staff, queue="overdue")) == []
    assert nos(case_queue(user=world.supervisor, queue="overdue")) == ["002"]
    assert nos(case_queue(user=world.other_supervisor, queue="overdue")) == []
    assert nos(case_queue(user=world.admin, queue="overdue")) == ["002"]
    assert nos(overdue_board(user=world.union_leader, level="yellow")) == ["002"]
    assert nos(overdue_board(user=world.supervisor, level="red")) == []
    monday.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))  # one working day late
    assert nos(overdue_board(user=world.supervisor, level="red")) == ["002"]
    assert nos(overdue_board(user=world.other_supervisor, level="red")) == []
    assert nos(overdue_board(user=world.union_staff, level="yellow")) == []  # not a leader
    assert nos(overdue_board(user=world.women_leader, level="yellow")) == []
    with pytest.raises(ApplicationError):
        overdue_board(user=world.supervisor, level="purple")


def test_followups_queue(world, queues, monday):
    a = case_reply_and_close(case=queues[1], actor=world.union_staff, result="已答复")
    monday.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    escalation_sweep()
    assert nos(case_queue(user=world.union_staff, queue="followups")) == [a.tracking_no[-3:]]
    assert nos(case_queue(user=world.women_staff, queue="followups")) == []


def test_unknown_queue(world):
    with pytest.raises(ApplicationError) as exc:
        case_queue(user=world.union_staff, queue="everything")
    assert exc.value.message == "未知的工作队列。"


def test_timeline_hides_internal_events_from_the_requester(world, case):
    case_add_note(case=case, actor=world.union_staff, note="内部")
    case_contact(case=case, actor=world.union_staff)
    staff_view = [e.kind for e in case_timeline(case=case, user=world.union_staff)]
    resident_view = [e.kind for e in case_timeline(case=case, user=world.resident)]
    assert staff_view == ["submitted", "received", "receipt_sent", "note", "contacted"]
    assert resident_view == ["submitted", "received", "receipt_sent", "contacted"]
    with pytest.raises(NotFound):
        case_timeline(case=case, user=world.other_resident)
