# ruff: noqa: F811  (the shared fixtures are imported by name)
"""Whatever JSON a client sends, the API answers with a 2xx or a 4xx carrying a Chinese message,
never a 500."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quntuan.cases.tests.test_api_support import client_for, in_state, world  # noqa: F401

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=300), st.sampled_from(["<script>alert(1)</script>", "13912345678", "satisfied", "web", ""]),
)
JSON = st.recursive(SCALARS, lambda children: st.lists(children, max_size=3)
                    | st.dictionaries(st.text(max_size=10), children, max_size=3), max_leaves=8)
FIELDS = ["title", "content", "requester_name", "requester_mobile", "service_id", "organization_id", "channel",
          "is_urgent", "to_org_id", "reason", "days", "solved", "level", "comment", "note", "materials",
          "approve", "result", "department", "task", "otp_code", "idempotency_key"]
BODIES = st.one_of(JSON, st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


def assert_answered(response):
    assert response.status_code < 500
    if response.status_code >= 400 and response.status_code != 405:
        body = response.json()
        assert body["code"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body


@FUZZ
@given(payload=BODIES)
def test_submit_never_fails(world, payload):
    assert_answered(client_for(world.resident).post("/api/cases/", data=json.dumps(payload),
                                                    content_type="application/json"))


@FUZZ
@given(action=st.sampled_from(["contact", "transfer", "return", "cohandlers", "material-request", "extension",
                               "extension/decision", "transfer-out", "notes", "reply", "rate"]),
       payload=BODIES)
def test_actions_never_fail(world, action, payload):
    case = world.__dict__.setdefault("_fuzz_case", in_state(world, "in_progress"))
    assert_answered(client_for(world.handler).post(f"/api/cases/{case.tracking_no}/{action}",
                                                   data=json.dumps(payload), content_type="application/json"))


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["queue", "limit", "offset", "organization", "start", "end"]),
                             st.text(max_size=20), max_size=4))
def test_queries_never_fail(world, query):
    client = client_for(world.leader)
    for url in ("/api/cases/queue", "/api/cases/mine", "/api/cases/stats/three-rates"):
        assert_answered(client.get(url, query))
