"""The overlap page, its pair panel, the who-leads form and the JSON API: staff only, examples
within the viewer's sight, the lead recorded by the district supervisor with an audit record."""

import json

import pytest
from django.test import Client

from quntuan.accounts.models import AuditRecord
from quntuan.routing.overlap_models import OverlapLead

URL = "/routing/overlap/"
PAIR_URL = "/routing/overlap/pair/"
LEAD_URL = "/routing/overlap/lead/"
API = "/api/routing/overlap"


pytestmark = pytest.mark.usefixtures("overlap_caches", "overlap_clock")


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# --- who may look ------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login_and_residents_are_refused(w):
    r = Client().get(URL)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client_for(w.resident).get(URL).status_code == 403
    assert client_for(w.resident).get(f"{PAIR_URL}?a={w.union.pk}&b={w.legal.pk}").status_code == 403


@pytest.mark.parametrize("who", ["supervisor", "auditor", "admin", "union_duty", "legal_staff"])
def test_staff_see_the_matrix_of_their_district(w, who):
    r = client_for(getattr(w, who)).get(URL)
    assert r.status_code == 200
    body = r.content.decode()
    assert "职能交叉矩阵" in body
    assert "测试区法律援助中心" in body and "<span>区总工会 ↔ 测试区法律援助中心</span>" in body


def test_staff_without_a_district_are_refused(w):
    from quntuan.accounts.models import Role
    from quntuan.core.testing import make_user

    security = make_user(Role.SECURITY_ADMIN, None)
    assert client_for(security).get(URL).status_code == 403
    assert client_for(security).get(f"{API}/matrix").status_code == 403


def test_a_district_the_viewer_does_not_look_after_is_not_found(w):
    assert client_for(w.other_supervisor).get(f"{URL}?district={w.district.pk}").status_code == 404
    assert client_for(w.union_duty).get(f"{URL}?district={w.other_district.pk}").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("days=7", "时间范围只能是 90、180、365 天或 0(全部)"), ("district=abc", "区参数无效"),
    ("org=x", "组织参数无效"), ("a=1&b=y", "组织参数无效"),
])
def test_bad_parameters_are_a_4xx_with_a_chinese_message(w, query, message):
    r = client_for(w.supervisor).get(f"{URL}?{query}")
    assert r.status_code == 400
    assert message in r.content.decode()


def test_an_organization_of_another_district_is_not_found(w):
    other = w.other_district.organizations.create(code="union", name="邻区总工会")
    assert client_for(w.supervisor).get(f"{URL}?org={other.pk}").status_code == 404
    assert client_for(w.supervisor).get(f"{PAIR_URL}?a={w.union.pk}&b={other.pk}").status_code == 404


# --- the page and the pair panel --------------------------------------------------------------------
def test_filter_by_organization_lists_only_its_pairs(w):
    body = client_for(w.supervisor).get(f"{URL}?org={w.legal.pk}").content.decode()
    assert "<span>区总工会 ↔ 测试区法律援助中心</span>" in body and "<span>区妇联 ↔ 测试区法律援助中心</span>" in body
    assert "<span>区总工会 ↔ 区妇联</span>" not in body


def test_the_pair_panel_shows_services_terms_transfers_and_visible_examples(w):
    c = client_for(w.supervisor)
    r = c.get(f"{PAIR_URL}?a={w.women.pk}&b={w.legal.pk}", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert "家庭暴力求助" in body and "法律援助申请" in body and "家庭暴力" in body
    assert "接收 0,退回 1" in body
    assert w.cases["violence"].tracking_no in body
    # the full page opens the same panel
    page = c.get(f"{URL}?a={w.women.pk}&b={w.legal.pk}").content.decode()
    assert w.cases["violence"].tracking_no in page and 'id="pair-detail"' in page


def test_the_pair_panel_never_shows_a_case_the_viewer_may_not_see(w):
    body = client_for(w.union_duty).get(f"{PAIR_URL}?a={w.women.pk}&b={w.legal.pk}").content.decode()
    assert w.cases["violence"].tracking_no not in body
    assert "没有您有权查看的示例诉求" in body
    # the counts are still there: they are aggregates, not cases
    assert "接收 0,退回 1" in body


def test_only_the_supervisor_gets_the_lead_form(w):
    query = f"?a={w.union.pk}&b={w.legal.pk}"
    assert 'name="lead_org"' in client_for(w.supervisor).get(PAIR_URL + query).content.decode()
    assert 'name="lead_org"' not in client_for(w.union_leader).get(PAIR_URL + query).content.decode()


# --- recording who leads ---------------------------------------------------------------------------
def test_the_supervisor_records_who_leads_with_an_audit_record(w):
    c = client_for(w.supervisor)
    data = {"district": w.district.pk, "a": w.legal.pk, "b": w.union.pk, "lead_org": w.union.pk,
            "note": "劳动关系的法律援助由工会牵头,需要律师代理诉讼的转法律援助中心。"}
    r = c.post(LEAD_URL, data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "已记录牵头单位和分工说明" in r.content.decode()
    lead = OverlapLead.objects.get()
    assert (lead.org_a_id, lead.org_b_id, lead.lead_org_id) == (w.union.pk, w.legal.pk, w.union.pk)
    assert lead.updated_by == w.supervisor
    # a change keeps the history
    c.post(LEAD_URL, {**data, "lead_org": w.legal.pk, "note": "改由法律援助中心牵头。"}, HTTP_HX_REQUEST="true")
    lead.refresh_from_db()
    assert (lead.lead_org_id, lead.note) == (w.legal.pk, "改由法律援助中心牵头。")
    records = list(AuditRecord.objects.filter(action="routing.overlap_lead").order_by("id"))
    assert [r.detail["lead_org"] for r in records] == [w.union.pk, w.legal.pk]
    assert records[1].detail["before"] == {"lead_org": w.union.pk, "note": data["note"]}
    page = c.get(URL).content.decode()
    assert "牵头:测试区法律援助中心" in page


def test_without_htmx_the_form_redirects_back_to_the_pair(w):
    r = client_for(w.supervisor).post(LEAD_URL, {"district": w.district.pk, "a": w.union.pk, "b": w.women.pk,
                                                 "lead_org": "", "note": "按类别分工。"})
    assert r.status_code == 302 and f"a={w.union.pk}" in r["Location"]
    assert OverlapLead.objects.get().lead_org_id is None


@pytest.mark.parametrize("who", ["union_leader", "legal_staff", "auditor", "other_supervisor"])
def test_others_cannot_record_who_leads(w, who):
    r = client_for(getattr(w, who)).post(
        LEAD_URL, {"district": w.district.pk, "a": w.union.pk, "b": w.legal.pk, "lead_org": w.union.pk},
        HTTP_HX_REQUEST="true")
    assert r.status_code in (403, 404)
    assert OverlapLead.objects.count() == 0
    assert AuditRecord.objects.filter(action="routing.overlap_lead").count() == 0


@pytest.mark.parametrize("data, message", [
    ({"lead_org": "YOUTH"}, "牵头单位须是这两个组织之一"),
    ({"lead_org": "", "note": ""}, "请选择牵头单位或填写分工说明"),
    ({"note": "字" * 501}, "不能超过 500 个字"),
    ({"b": "UNION"}, "请选择两个不同的组织"),
])
def test_bad_lead_input_is_refused_with_a_message(w, data, message):
    ids = {"YOUTH": w.youth.pk, "UNION": w.union.pk}
    post = {"district": w.district.pk, "a": w.union.pk, "b": w.legal.pk, "lead_org": w.union.pk, "note": ""}
    post.update({k: ids.get(v, v) for k, v in data.items()})
    r = client_for(w.supervisor).post(LEAD_URL, post, HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    assert message in r.content.decode()
    assert OverlapLead.objects.count() == 0


# --- the API -------------------------------------------------------------------------------------------
def test_api_matrix_for_staff(w):
    r = client_for(w.supervisor).get(f"{API}/matrix?org={w.legal.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["district"]["name"] == "测试区" and body["days"] == 365
    assert {o["name"] for o in body["organizations"]} >= {"区总工会", "区妇联", "测试区法律援助中心"}
    pairs = {(p["a"]["name"], p["b"]["name"]): p for p in body["pairs"]}
    union_legal = pairs[("区总工会", "测试区法律援助中心")]
    assert union_legal["transfers"] == [{
        "from_org": {"id": w.union.pk, "name": "区总工会"}, "to_org": {"id": w.legal.pk, "name": "测试区法律援助中心"},
        "category": {"code": "union.legal", "name": "职工维权与劳动争议调解"},
        "requested": 1, "accepted": 1, "returned": 0}]
    assert union_legal["services"] and "律师" in {t for s in union_legal["services"] for t in s["terms"]}
    assert union_legal["weight"] == union_legal["service_count"] + 1
    assert all(w.legal.pk in (c["a"], c["b"]) for c in body["cells"])


def test_api_pair_examples_follow_the_case_policy(w):
    url = f"{API}/pair?a={w.women.pk}&b={w.legal.pk}"
    seen = [e["tracking_no"] for e in client_for(w.supervisor).get(url).json()["examples"]]
    assert seen == [w.cases["violence"].tracking_no]
    assert client_for(w.union_duty).get(url).json()["examples"] == []


@pytest.mark.parametrize("who, status", [(None, 401), ("resident", 403)])
def test_api_refuses_anonymous_and_residents(w, who, status):
    c = client_for(getattr(w, who) if who else None)
    assert c.get(f"{API}/matrix").status_code == status
    assert c.get(f"{API}/pair?a={w.union.pk}&b={w.legal.pk}").status_code == status


@pytest.mark.parametrize("query, status", [("days=30", 400), ("org=999999", 404), ("district=999999", 404)])
def test_api_bad_parameters(w, query, status):
    r = client_for(w.supervisor).get(f"{API}/matrix?{query}")
    assert r.status_code == status
    assert r.json()["message"]


def test_api_records_who_leads_for_the_supervisor_only(w):
    payload = {"org_a": w.union.pk, "org_b": w.women.pk, "lead_org": w.women.pk, "note": "家庭暴力由妇联牵头。"}
    refused = client_for(w.union_leader).post(f"{API}/lead", json.dumps(payload), content_type="application/json")
    assert refused.status_code == 403 and OverlapLead.objects.count() == 0
    r = client_for(w.supervisor).post(f"{API}/lead", json.dumps(payload), content_type="application/json")
    assert r.status_code == 200
    assert r.json()["lead_org"] == {"id": w.women.pk, "name": "区妇联"}
    detail = client_for(w.union_duty).get(f"{API}/pair?a={w.union.pk}&b={w.women.pk}").json()
    assert detail["lead"]["note"] == "家庭暴力由妇联牵头。"
    assert [h["lead_org"] for h in detail["history"]] == ["区妇联"]
