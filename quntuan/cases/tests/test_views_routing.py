# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""Routing help on the pages: "您要找的可能是…" on the resident form and at intake (odd input
never a 500), accepting a suggestion, likely duplicates at intake and on the case page, the
merge button, and what the requester of a merged case sees."""

import json

import pytest
from django.core.cache import cache

from quntuan.cases.models import Case, CaseEvent, CaseStatus
from quntuan.cases.services import case_contact, case_merge, case_reply_and_close
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
from quntuan.core.testing import make_category, make_service
from quntuan.routing import services as routing

HTMX = {"HTTP_HX_REQUEST": "true"}
WAGES = "我在工厂上班,老板三个月没发工资了,想讨回欠薪"


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    routing.reset_cache()
    yield
    cache.clear()
    routing.reset_cache()


@pytest.fixture
def legal(world):
    """The category the wage text routes to, with a service of the union."""
    category = make_category("union.legal", "职工法律援助")
    return make_service(world.union, category=category, name="劳动争议法律援助")


# ---- suggestions -------------------------------------------------------------------------------

def test_resident_form_has_the_suggestion_box(client, world):
    page = client.get("/cases/new/").content.decode()
    assert 'id="routing-suggest"' in page
    assert 'hx-post="/cases/new/suggest/"' in page
    assert "delay:600ms from:#id_content" in page
    assert 'name="category"' in page


def test_suggestions_for_wage_text(client, world, legal):
    response = client.post("/cases/new/suggest/", {"title": "", "content": WAGES}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "您要找的可能是…" in page
    assert page.count('class="suggest-item') <= 3
    first = page.index('data-category="')
    assert page[first:].startswith('data-category="union.legal"')
    assert "职工法律援助 · 区总工会" in page
    assert "/cases/new/suggest/accept/?category=union.legal" in page
    assert "%" in page  # the confidence


@pytest.mark.parametrize("content", [
    "", "   ", "😀😀😀🙏🙏", "。。。!!!???……", "!!!@@@###", "工资" * 10000, "a" * 20000,
    "Boss 不发 salary 三个月 ❗ الراتب зарплата", "\x00\x01", "<script>alert(1)</script>",
])
def test_odd_input_gives_no_suggestion_or_a_guess_never_500(client, world, legal, content):
    response = client.post("/cases/new/suggest/", {"title": content[:100], "content": content}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    if not content.strip() or set(content) <= set("😀🙏。!?…@# \x00\x01"):
        assert "suggest-item" not in page


def test_empty_text_shows_nothing(client, world):
    page = client.post("/cases/new/suggest/", {"content": ""}, **HTMX).content.decode()
    assert "suggest-item" not in page
    assert "暂时无法判断" not in page


def test_emoji_only_says_it_cannot_tell(client, world):
    page = client.post("/cases/new/suggest/", {"content": "😀😀😀"}, **HTMX).content.decode()
    assert "suggest-item" not in page
    assert "暂时无法判断对应的服务" in page


def test_anonymous_suggestions_are_throttled(client, world, legal, settings):
    from quntuan.cases.views import routing as views

    for _ in range(views.SUGGEST_LIMIT):
        assert client.post("/cases/new/suggest/", {"content": "欠薪"}).status_code == 200
    assert client.post("/cases/new/suggest/", {"content": "欠薪"}).status_code == 429


@pytest.mark.parametrize("size", [5000, 20000])
def test_suggestions_for_long_descriptions_are_posted(client, world, legal, size):
    """The text travels in the body: a long description never makes the URL too long."""
    content = (WAGES * (size // len(WAGES) + 1))[:size]
    response = client.post("/cases/new/suggest/", {"title": "欠薪" * 50, "content": content}, **HTMX)
    assert response.status_code == 200
    assert 'data-category="union.legal"' in response.content.decode()


def test_suggestions_refuse_get_and_need_the_csrf_token(world, legal):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/cases/new/suggest/", {"content": WAGES}).status_code == 405
    assert strict.post("/cases/new/suggest/", {"content": WAGES}).status_code == 403
    strict.get("/cases/new/")  # the form page sets the CSRF cookie; htmx sends it as a header
    token = strict.cookies["csrftoken"].value
    response = strict.post("/cases/new/suggest/", {"content": WAGES}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert 'data-category="union.legal"' in response.content.decode()


def test_accept_fills_the_service_and_category(client, world, legal):
    response = client.get("/cases/new/suggest/accept/", {"category": "union.legal"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{legal.pk}" selected>' in page
    assert '<input type="hidden" name="category" id="id_category" value="union.legal" hx-swap-oob="true">' in page
    assert "已选择:职工法律援助(服务事项“劳动争议法律援助”) · 将由区总工会受理" in page


def test_accept_unknown_category_is_400(client, world):
    response = client.get("/cases/new/suggest/accept/", {"category": "nope.nope"}, **HTMX)
    assert response.status_code == 400
    assert "所选服务类别不存在。" in response.content.decode()


def test_submit_with_an_accepted_category_and_no_service(client, world, legal):
    client.force_login(world.resident)
    page = client.get("/cases/new/").content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    response = client.post("/cases/new/", {
        "title": "老板欠薪", "content": WAGES, "requester_name": "张三", "requester_mobile": world.resident.mobile,
        "community": str(world.community.pk), "idempotency_key": key, "category": "union.legal", "service": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(title="老板欠薪")
    assert (case.category.code, case.service, case.handling_org) == ("union.legal", None, world.union)


def test_staff_intake_has_suggestions_and_duplicates(client, world):
    client.force_login(world.union_receiver)
    page = client.get("/cases/intake/").content.decode()
    assert 'id="routing-suggest"' in page
    assert 'id="intake-duplicates"' in page
    assert "[name=channel]:checked" in page


def test_staff_suggestion_with_channel(client, world, legal):
    client.force_login(world.union_receiver)
    response = client.post("/cases/new/suggest/", {"content": WAGES, "channel": "phone"}, **HTMX)
    assert response.status_code == 200
    assert 'data-category="union.legal"' in response.content.decode()


# ---- duplicates --------------------------------------------------------------------------------

@pytest.fixture
def original(world, legal):
    return world.submit(community=world.community, service=legal, title="华兴公司拖欠工资三个月",
                        content="我在华兴公司上班,公司拖欠我们三个月工资,老板说没钱。")


@pytest.fixture
def repeat(world, legal, original):
    return world.submit(community=world.community, service=legal, requester=world.other_resident,
                        requester_name="李四", requester_mobile=world.other_resident.mobile,
                        title="华兴公司不发工资", content="华兴公司已经三个月没发工资了,工友们都很着急。")


def test_intake_lists_likely_duplicates(client, world, original):
    client.force_login(world.union_receiver)
    response = client.post("/cases/intake/duplicates/", {
        "title": "华兴公司欠薪", "content": "华兴公司三个月不发工资", "community": str(world.community.pk), "address": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert original.tracking_no in page
    assert "可能与 1 件已有诉求重复" in page
    assert "华兴公司" in page.split("共同线索:")[1]


@pytest.mark.parametrize("size", [5000, 20000])
def test_intake_duplicates_with_long_descriptions(client, world, original, size):
    client.force_login(world.union_receiver)
    content = ("华兴公司三个月不发工资。" * (size // 12 + 1))[:size]
    response = client.post("/cases/intake/duplicates/", {
        "title": "华兴公司欠薪", "content": content, "community": str(world.community.pk), "address": ""})
    assert response.status_code == 200
    assert original.tracking_no in response.content.decode()


@pytest.mark.parametrize("community, address", [("²", ""), ("", "华兴\x00公司"), ("１２", "")])
def test_intake_duplicates_odd_places_answer_without_error(client, world, original, community, address):
    client.force_login(world.union_receiver)
    response = client.post("/cases/intake/duplicates/", {
        "title": "华兴公司欠薪", "content": "华兴公司三个月不发工资", "community": community, "address": address})
    assert response.status_code == 200


def test_intake_duplicates_refuse_get_and_are_throttled(client, world, original):
    from quntuan.cases.views import routing as views

    client.force_login(world.union_receiver)
    assert client.get("/cases/intake/duplicates/", {"content": "欠薪"}).status_code == 405
    for _ in range(views.DUPLICATES_LIMIT):
        assert client.post("/cases/intake/duplicates/", {"content": "欠薪"}).status_code == 200
    assert client.post("/cases/intake/duplicates/", {"content": "欠薪"}).status_code == 429


def test_intake_duplicates_need_a_place(client, world, original):
    client.force_login(world.union_receiver)
    page = client.post("/cases/intake/duplicates/", {"content": "华兴公司三个月不发工资"}).content.decode()
    assert original.tracking_no not in page


def test_intake_duplicates_hide_cases_the_staff_may_not_see(client, world, original):
    client.force_login(world.youth_staff)
    page = client.post("/cases/intake/duplicates/", {
        "content": "华兴公司三个月不发工资", "community": str(world.community.pk)}).content.decode()
    assert original.tracking_no not in page


@pytest.mark.parametrize("who", ["resident", None])
def test_intake_duplicates_are_for_staff(client, world, who):
    if who:
        client.force_login(getattr(world, who))
    response = client.post("/cases/intake/duplicates/", {"content": "欠薪"})
    assert response.status_code in (302, 403)


def test_case_page_lazy_loads_the_duplicates_panel(client, world, original, repeat):
    client.force_login(world.union_receiver)
    page = client.get(f"/cases/{repeat.tracking_no}/").content.decode()
    assert f'hx-get="/cases/{repeat.tracking_no}/duplicates/"' in page
    panel = client.get(f"/cases/{repeat.tracking_no}/duplicates/", **HTMX).content.decode()
    assert original.tracking_no in panel
    assert f"将本件并入 {original.tracking_no}" in panel
    assert "hx-confirm=" in panel
    # seen from the original, the later report is the one to merge
    panel = client.get(f"/cases/{original.tracking_no}/duplicates/", **HTMX).content.decode()
    assert f"将 {repeat.tracking_no} 并入本件" in panel


def test_duplicates_panel_refused_to_other_staff_and_residents(client, world, original, repeat):
    client.force_login(world.youth_staff)
    assert client.get(f"/cases/{repeat.tracking_no}/duplicates/").status_code == 404
    client.force_login(world.resident)
    assert client.get(f"/cases/{original.tracking_no}/duplicates/").status_code == 403


def test_merge_button_merges(client, world, original, repeat):
    client.force_login(world.union_receiver)
    response = client.post(f"/cases/{original.tracking_no}/do/merge/", {"other": repeat.tracking_no}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已合并:重复反映已并入原诉求,两位诉求人都已收到通知。" in page
    assert "已并入本件的重复反映(1 件)" in page
    repeat.refresh_from_db()
    assert (repeat.status, repeat.merged_into_id) == (CaseStatus.MERGED, original.pk)
    page = client.get(f"/cases/{repeat.tracking_no}/").content.decode()
    assert f"本诉求已并入 {original.tracking_no}" in page
    assert 'id="case-duplicates"' not in page


def test_merge_refusal_is_shown_in_chinese(client, world, original, repeat):
    client.force_login(world.union_receiver)
    response = client.post(f"/cases/{original.tracking_no}/do/merge/", {"other": original.tracking_no}, **HTMX)
    assert response.status_code == 400
    assert "不能把诉求并入它自己。" in response.content.decode()
    response = client.post(f"/cases/{original.tracking_no}/do/merge/", {"other": "QT-20000101-000001"}, **HTMX)
    assert response.status_code == 404
    assert "要合并的诉求不存在,或您无权查看。" in response.content.decode()


def test_resident_cannot_merge(client, world, original, repeat):
    client.force_login(world.resident)
    response = client.post(f"/cases/{original.tracking_no}/do/merge/", {"other": repeat.tracking_no}, **HTMX)
    assert response.status_code == 403
    assert Case.objects.get(pk=repeat.pk).status != CaseStatus.MERGED


def test_requester_of_merged_case_sees_the_originals_progress(client, world, original, repeat):
    case_merge(actor=world.union_receiver, duplicate=repeat, into=original)
    case_contact(case=original, actor=world.union_staff, note="已联系张三本人")
    case_reply_and_close(case=original, actor=world.union_staff, result="已督促华兴公司补发工资。")
    client.force_login(world.other_resident)
    page = client.get(f"/cases/{repeat.tracking_no}/").content.decode()
    assert f"已并入 {original.tracking_no}" in page
    assert "已督促华兴公司补发工资。" in page
    assert "签收并联系" in page
    assert "已联系张三本人" not in page  # the original's notes speak of the other requester
    assert "我在华兴公司上班" not in page  # nor its content
    # and still no access to the original itself
    assert client.get(f"/cases/{original.tracking_no}/").status_code == 404


def test_notification_link_by_id_redirects(client, world, original):
    client.force_login(world.resident)
    response = client.get(f"/cases/{original.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{original.tracking_no}/"
    client.force_login(world.other_resident)
    assert client.get(f"/cases/{original.pk}/").status_code == 404


def test_merged_attachments_reachable_from_the_original(client, world, original, legal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    dup = world.submit(community=world.community, service=legal, requester=world.other_resident,
                       requester_name="李四", requester_mobile=world.other_resident.mobile,
                       title="华兴公司欠薪", content="华兴公司欠薪三个月",
                       attachments=[SimpleUploadedFile("工资条.png", png, content_type="image/png")])
    case_merge(actor=world.union_receiver, duplicate=dup, into=original)
    client.force_login(world.union_staff)
    page = client.get(f"/cases/{original.tracking_no}/").content.decode()
    item = dup.attachments.get()
    assert f"/cases/{dup.tracking_no}/files/{item.pk}/" in page
    assert client.get(f"/cases/{dup.tracking_no}/files/{item.pk}/").status_code == 200
    assert dup.events.filter(kind=CaseEvent.Kind.MERGED).count() == 1


# ---- API ---------------------------------------------------------------------------------------

def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_api_duplicates_and_merge(client, world, original, repeat):
    client.force_login(world.union_receiver)
    response = client.get(f"/api/cases/{repeat.tracking_no}/duplicates")
    assert response.status_code == 200
    rows = response.json()
    assert [r["tracking_no"] for r in rows] == [original.tracking_no]
    assert set(rows[0]) == {"tracking_no", "title", "status", "received_at", "score", "shared"}
    response = _post(client, f"/api/cases/{repeat.tracking_no}/merge", {"into": original.tracking_no})
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["status_label"], body["merged_into"]) == ("merged", "已并入", original.tracking_no)
    again = _post(client, f"/api/cases/{repeat.tracking_no}/merge", {"into": original.tracking_no})
    assert again.status_code == 200
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.MERGED).count() == 2
    detail = client.get(f"/api/cases/{original.tracking_no}").json()
    assert detail["merged_cases"] == [repeat.tracking_no]


def test_api_merge_refusals(client, world, original, repeat):
    client.force_login(world.union_receiver)
    response = _post(client, f"/api/cases/{repeat.tracking_no}/merge", {"into": repeat.tracking_no})
    assert (response.status_code, response.json()["message"]) == (400, "不能把诉求并入它自己。")
    response = _post(client, f"/api/cases/{repeat.tracking_no}/merge", {"into": "QT-20000101-000009"})
    assert response.status_code == 404
    client.force_login(world.youth_staff)
    response = _post(client, f"/api/cases/{repeat.tracking_no}/merge", {"into": original.tracking_no})
    assert response.status_code == 404
    client.force_login(world.resident)
    response = _post(client, f"/api/cases/{original.tracking_no}/merge", {"into": original.tracking_no})
    assert response.status_code in (400, 403)
    response = client.get(f"/api/cases/{original.tracking_no}/duplicates")
    assert response.status_code == 403
    assert Case.objects.get(pk=repeat.pk).status != CaseStatus.MERGED


def test_staff_accept_names_the_suggested_handler(client, world, legal):
    client.force_login(world.women_receiver)
    page = client.get("/cases/new/suggest/accept/", {"category": "union.legal"}, **HTMX).content.decode()
    assert f'<option value="{legal.pk}" selected>' in page
    assert "建议承办单位:区总工会(登记后可转办)" in page
