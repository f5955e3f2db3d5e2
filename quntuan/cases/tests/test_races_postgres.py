"""Races on PostgreSQL: threads with their own connections hit the same rows at once."""

import threading

import pytest
from django.db import connection

from quntuan.cases.models import Case, CaseEvent, CaseStatus, Rating, TrackingSequence
from quntuan.cases.services import case_rate, case_reply_and_close, case_transfer, case_transfer_accept
from quntuan.core.exceptions import Conflict

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start every call at the same moment, each in its own thread (and database connection).
    Returns each call's result or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_staff_accepting_at_once_one_wins(world, transactional_db):
    case = case_transfer(case=world.submit(), actor=world.union_receiver, to_org=world.women, reason="妇联事项")
    results = run_together(
        lambda: case_transfer_accept(case=case, actor=world.women_staff),
        lambda: case_transfer_accept(case=case, actor=world.women_receiver),
    )
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert (len(wins), len(losses)) == (1, 1)
    winner = world.women_staff if wins[0] is results[0] else world.women_receiver
    assert losses[0].message == f"该诉求已被{winner.name}接收。"
    case.refresh_from_db()
    assert (case.status, case.handling_org_id) == (CaseStatus.IN_PROGRESS, world.women.pk)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSFER_ACCEPTED).count() == 1


def test_two_ratings_at_once_give_one(world, transactional_db):
    case = case_reply_and_close(case=world.submit(), actor=world.union_staff, result="已办理")
    results = run_together(
        lambda: case_rate(case=case, actor=world.resident, solved=True, level="satisfied"),
        lambda: case_rate(case=case, actor=world.resident, solved=False, level="dissatisfied"),
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Rating"]
    assert Rating.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RATED).count() == 1


def test_twenty_submissions_get_twenty_numbers(world, transactional_db):
    results = run_together(*[lambda: world.submit() for _ in range(20)])
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(r.tracking_no for r in results)
    assert numbers == [f"QT-20261123-{n:06d}" for n in range(1, 21)]
    assert TrackingSequence.objects.count() == 1  # the day's base row, created once


def test_same_idempotency_key_at_once_gives_one_case(world, transactional_db):
    results = run_together(*[lambda: world.submit(idempotency_key="same-key") for _ in range(5)])
    assert all(isinstance(r, Case) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Case.objects.count() == 1


def test_two_sweeps_at_once_flag_each_case_once(world, transactional_db):
    from datetime import date

    from quntuan.cases.services import escalation_sweep
    from quntuan.notifications.models import Notification

    for _ in range(5):
        world.submit()
    escalation_sweep(today=date(2026, 11, 23))  # the working calendar is loaded once
    results = run_together(*[lambda: escalation_sweep(today=date(2026, 12, 2)) for _ in range(3)])
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["red"] for r in results) == 5
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.RED_FLAG).count() == 5
    # Red: the union's leader and the district's supervisor, once per case.
    assert Notification.objects.filter(title__startswith="红牌督办").count() == 10
