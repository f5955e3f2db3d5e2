import re

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import path

from quntuan.accounts.models import Role
from quntuan.catalog.services import catalog_seed
from quntuan.core.exceptions import Conflict
from quntuan.core.testing import make_district, make_org, make_resident, make_staff, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def district():
    district = make_district("示范区")
    catalog_seed(district)
    return district


def test_home_for_anonymous_resident(client, district):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    body = text(response)
    assert "群团服务云平台" in body
    assert 'action="/catalog/"' in html and 'name="q"' in html
    for name in ("区总工会", "共青团区委", "区妇联", "区科协", "区侨联", "区残联"):
        assert name in body
    assert "政府部门(转办)" not in body
    assert 'href="/cases/new/"' in html
    assert 'name="tracking_no"' in html and 'name="mobile_last4"' in html
    assert 'href="/accounts/login/?next=/"' in html
    assert "工作台" not in body


def test_home_for_logged_in_resident_shows_resident_nav(client, district):
    client.force_login(make_resident(district, name="李梅"))
    body = text(client.get("/"))
    for label in ("服务目录", "我要反映", "我的诉求", "进度查询", "消息", "退出"):
        assert label in body
    assert "工作台" not in body


def test_home_for_staff_links_to_workbench(client, district):
    union = district.organizations.get(code="union")
    client.force_login(make_staff(union, name="王小明"))
    response = client.get("/")
    html = response.content.decode()
    assert "王小明,您好" in text(response)
    assert 'href="/cases/workbench/"' in html
    for label in ("工作台", "受理登记", "督办", "服务目录"):
        assert label in text(response)
    assert "我的诉求" not in text(response)


def test_supervisor_counts_as_staff(client, district):
    client.force_login(make_user(Role.SUPERVISOR, district))
    assert 'href="/cases/overdue/"' in client.get("/").content.decode()


def test_logout_is_a_post_form(client, district):
    client.force_login(make_resident(district))
    html = client.get("/").content.decode()
    assert re.search(r'<form action="/accounts/logout/" method="post"', html)


def test_home_without_catalogue_shows_empty_state(client):
    body = text(client.get("/"))
    assert "服务目录尚未建立" in body


def test_language_switch_renders_english(client, district):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"
    body = text(client.get("/"))
    assert "Quntuan Service Cloud" in body
    assert "One window for all your needs" in body
    assert "Trade Union Federation" in body
    assert "Submit a request" in body
    body = text(client.get("/catalog/", {"org": "union"}))
    assert "Service catalogue" in body and "Labour rights and dispute mediation" in body
    # stored service names stay as entered
    assert "欠薪求助与讨薪协调" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "服务目录" in text(client.get("/"))


def test_browser_language_alone_does_not_switch_to_english(client, district):
    body = text(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert "有事找群团" in body


def test_custom_404_page_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in text(response)
    assert "返回首页" in text(response)


def _conflict_view(request):
    raise Conflict("该诉求已被其他工作人员接收。")


urlpatterns = [path("boom/", _conflict_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_application_error_in_a_view_becomes_its_4xx_page(client):
    response = client.get("/boom/")
    assert response.status_code == 409
    assert "该诉求已被其他工作人员接收。" in text(response)
    fragment = client.get("/boom/", headers={"HX-Request": "true"})
    assert fragment.status_code == 409
    assert fragment.content.decode().strip() == '<div class="msg msg-error" role="alert">该诉求已被其他工作人员接收。</div>'


def test_500_page_is_standalone_chinese():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "系统暂时出了点问题" in html
    assert "{%" not in html


def test_403_page_renders(rf):
    from django.views.defaults import permission_denied

    request = rf.get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, Exception(""))
    assert response.status_code == 403
    assert "您没有访问此页面的权限" in response.content.decode()


def test_partials_render():
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=3)
    html = Template(
        '{% include "includes/deadline_badge.html" with state="yellow" due=due %}'
        '{% include "includes/status_badge.html" with status="closed" label="已办结" %}'
        '{% include "includes/empty_state.html" with title="暂无" %}'
    ).render(Context({"due": due}))
    assert 'class="badge flag flag-yellow"' in html
    assert "黄牌" in html and "还剩 3 天" in html
    assert '<span class="badge status status-closed">已办结</span>' in html
    assert '<p class="empty-title">暂无</p>' in html


def test_pagination_partial_keeps_query(rf):
    from django.core.paginator import Paginator

    page = Paginator(list(range(45)), 20).page(2)
    request = rf.get("/x/", {"q": "欠薪", "page": 2})
    from django.template import RequestContext

    html = Template('{% include "includes/pagination.html" with page_obj=page %}').render(
        RequestContext(request, {"page": page})
    )
    assert 'href="?q=%E6%AC%A0%E8%96%AA&amp;page=1"' in html
    assert 'href="?q=%E6%AC%A0%E8%96%AA&amp;page=3"' in html
    assert "第 2 / 3 页" in html


def test_form_field_partial_shows_errors():
    from django import forms

    class F(forms.Form):
        mobile = forms.CharField(label="手机号", help_text="11 位")

    form = F(data={})
    html = Template('{% include "includes/form_field.html" with field=form.mobile %}').render(Context({"form": form}))
    assert 'class="field has-error"' in html
    assert '<span class="req" aria-hidden="true">*</span>' in html
    assert "这个字段是必填项。" in html or "This field is required." in html


def test_pages_render_for_every_org_filter(client, district):
    for org in district.organizations.all():
        assert client.get("/catalog/", {"org": org.code}).status_code == 200
    org = make_org(district, "social1", "某社会组织")
    assert client.get("/catalog/", {"org": org.code}).status_code == 200


def test_english_does_not_leak_out_of_the_request(client, district):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    assert "One window for all your needs" in text(client.get("/"))
    assert translation.get_language() == "zh-hans"


def test_csrf_failure_page_is_chinese(district):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    assert "页面已过期,请重新提交" in response.content.decode()
