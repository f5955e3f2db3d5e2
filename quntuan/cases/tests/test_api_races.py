# ruff: noqa: F811  (the shared fixtures are imported by name)
"""Races through the API on PostgreSQL: requests in their own threads and connections."""

import json
import threading

import pytest
from django.db import connection

from quntuan.cases.models import Case, CaseEvent, CaseStatus, Rating
from quntuan.cases.tests.test_api_support import client_for, in_state, world  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def post_together(*requests):
    """POST every (client, url, body, extra) at the same moment; the responses in order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def worker(i, client, url, body, extra):
        try:
            barrier.wait()
            responses[i] = client.post(url, data=json.dumps(body), content_type="application/json", **extra)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


def test_two_staff_accepting_at_once_one_wins(world):
    case = in_state(world, "transferring")
    url = f"/api/cases/{case.tracking_no}/accept"
    responses = post_together((client_for(world.women_staff), url, {}, {}),
                              (client_for(world.women_leader), url, {}, {}))
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = world.women_staff if responses[0].status_code == 200 else world.women_leader
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json() == {"code": "conflict", "message": f"该诉求已被{winner.name}接收。"}
    case.refresh_from_db()
    assert (case.status, case.handling_org) == (CaseStatus.IN_PROGRESS, world.women)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSFER_ACCEPTED).count() == 1


def test_two_ratings_at_once_give_one(world):
    case = in_state(world, "closed")
    url = f"/api/cases/{case.tracking_no}/rate"
    responses = post_together((client_for(world.resident), url, {"solved": True, "level": "satisfied"}, {}),
                              (client_for(world.resident), url, {"solved": False, "level": "dissatisfied"}, {}))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Rating.objects.filter(case=case).count() == 1


def test_the_same_submission_twice_at_once_gives_one_case(world):
    body = {"title": "工资被拖欠三个月", "content": "希望得到法律帮助", "service_id": world.service.pk}
    extra = {"HTTP_IDEMPOTENCY_KEY": "double-click-1"}
    responses = post_together((client_for(world.resident), "/api/cases/", body, extra),
                              (client_for(world.resident), "/api/cases/", body, extra))
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["receipt"]["tracking_no"] == responses[1].json()["receipt"]["tracking_no"]
    assert Case.objects.count() == 1
