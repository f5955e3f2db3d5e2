# ruff: noqa: F811  (the shared fixtures are imported by name)
"""A whole case life through the API alone, staff using bearer tokens as a program would."""

import json

from django.test import Client

from quntuan.cases.models import Case
from quntuan.cases.tests.test_api_support import world  # noqa: F401
from quntuan.core.testing import PASSWORD


def token_client(login: str) -> "ApiClient":
    response = Client().post("/api/auth/token", data=json.dumps({"login": login, "password": PASSWORD}),
                             content_type="application/json")
    assert response.status_code == 200
    return ApiClient(response.json()["token"])


class ApiClient:
    def __init__(self, token: str):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, url):
        return self.client.get(url, **self.headers)

    def post(self, url, data=None, **extra):
        return self.client.post(url, data=json.dumps(data or {}), content_type="application/json",
                                **self.headers, **extra)


def test_submit_transfer_accept_close_rate_reopen(world):
    resident = token_client("13912345678")
    first_inquirer = token_client("wang")
    receiver = token_client("chen")

    submitted = resident.post("/api/cases/", {"title": "单亲妈妈求职培训", "content": "希望参加技能培训",
                                              "service_id": world.service.pk}, HTTP_IDEMPOTENCY_KEY="journey-1")
    assert submitted.status_code == 201
    no = submitted.json()["receipt"]["tracking_no"]
    assert submitted.json()["receipt"]["first_inquirer"]["name"] == "王首问"

    assert first_inquirer.post(f"/api/cases/{no}/contact", {"note": "已联系"}).status_code == 200
    transferred = first_inquirer.post(f"/api/cases/{no}/transfer", {"to_org_id": world.women.pk,
                                                                    "reason": "妇联有专项培训"})
    assert transferred.json()["status"] == "transferring"
    incoming = receiver.get("/api/cases/queue?queue=transfers_in").json()
    assert [c["tracking_no"] for c in incoming["items"]] == [no]
    assert receiver.post(f"/api/cases/{no}/accept").json()["handling_org"]["name"] == "区妇联"
    assert first_inquirer.post(f"/api/cases/{no}/informed").status_code == 200
    assert receiver.post(f"/api/cases/{no}/contact").status_code == 200
    closed = receiver.post(f"/api/cases/{no}/reply", {"result": "已报名巾帼技能培训班"})
    assert (closed.json()["status"], closed.json()["result"]) == ("closed", "已报名巾帼技能培训班")

    rated = resident.post(f"/api/cases/{no}/rate", {"solved": False, "level": "dissatisfied",
                                                     "comment": "培训时间不合适"})
    assert rated.status_code == 201
    reopened = resident.get(f"/api/cases/{no}").json()
    assert (reopened["status"], reopened["reopen_count"], reopened["actions"]["rate"]) == ("in_progress", 1, False)

    closed_again = receiver.post(f"/api/cases/{no}/reply", {"result": "已调整到周末班"})
    assert closed_again.json()["status"] == "closed"
    final = resident.post(f"/api/cases/{no}/rate", {"solved": True, "level": "satisfied"})
    assert final.json()["round"] == 1
    assert Case.objects.get(tracking_no=no).status == "closed"  # satisfied: no second reopen

    resident_kinds = [e["kind"] for e in resident.get(f"/api/cases/{no}/timeline").json()]
    assert resident_kinds == [
        "submitted", "received", "receipt_sent", "contacted", "transfer_requested", "transfer_accepted",
        "accepted", "replied", "closed", "rated", "reopened", "replied", "closed", "rated",
    ]
    staff_kinds = [e["kind"] for e in first_inquirer.get(f"/api/cases/{no}/timeline").json()]
    assert "requester_informed" in staff_kinds and "requester_informed" not in resident_kinds
    mine = resident.get("/api/cases/mine").json()
    assert (mine["count"], mine["items"][0]["status"]) == (1, "closed")
