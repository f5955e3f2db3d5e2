"""Merging on PostgreSQL: two merges of the same pair at once, and two opposite merges at once."""

import pytest

from quntuan.cases.models import Case, CaseEvent, CaseFollower, CaseStatus
from quntuan.cases.services import case_merge
from quntuan.core.exceptions import ApplicationError
from quntuan.core.testing import run_together
from quntuan.notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pair(world):
    a = world.submit(community=world.community, title="华兴公司欠薪", content="华兴公司拖欠工资三个月")
    b = world.submit(community=world.community, requester=world.other_resident, requester_name="李四",
                     requester_mobile=world.other_resident.mobile, title="华兴公司不发工资",
                     content="华兴公司三个月没发工资")
    return a, b


def test_the_same_merge_twice_at_once_merges_once(world, transactional_db):
    original, repeat = _pair(world)
    results = run_together([
        lambda: case_merge(actor=world.union_receiver, duplicate=repeat.pk, into=original.pk),
        lambda: case_merge(actor=world.union_staff, duplicate=repeat.pk, into=original.pk),
    ], threads=2)
    assert all(isinstance(r, Case) for r in results), results
    repeat.refresh_from_db()
    assert (repeat.status, repeat.merged_into_id) == (CaseStatus.MERGED, original.pk)
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED).count() == 2  # one on each case
    assert CaseFollower.objects.count() == 1
    assert Notification.objects.filter(user=world.other_resident, title__contains="已并入").count() == 1


def test_opposite_merges_at_once_one_wins(world, transactional_db):
    a, b = _pair(world)
    results = run_together([
        lambda: case_merge(actor=world.union_receiver, duplicate=a.pk, into=b.pk),
        lambda: case_merge(actor=world.union_staff, duplicate=b.pk, into=a.pk),
    ], threads=2)
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, ApplicationError)]
    assert (len(wins), len(losses)) == (1, 1), results
    merged = Case.objects.filter(status=CaseStatus.MERGED)
    assert merged.count() == 1
    loser = merged.get()
    assert loser.merged_into_id == ({a.pk, b.pk} - {loser.pk}).pop()
    assert "已并入其他诉求" in losses[0].message
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED).count() == 2
