import pytest
from django.utils import timezone

from quntuan.core.exceptions import NotFound
from quntuan.core.testing import make_resident
from quntuan.notifications.models import Notification
from quntuan.notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


def inbox_for(user, n=3):
    for i in range(n):
        notify(title=f"消息{i}", body=f"内容{i}", dedup_key=f"test:{user.pk}:{i}", user=user, channels=("inbox",))
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_inbox_page_lists_messages_with_unread_count(client):
    user = make_resident()
    notes = inbox_for(user)
    notes[0].read_at = timezone.now()
    notes[0].save()
    client.force_login(user)
    response = client.get("/inbox/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 条未读" in html
    assert html.index("消息2") < html.index("消息1") < html.index("消息0")  # newest first
    assert html.count(">标为已读</button>") == 2
    assert 'name="viewport"' in html
    unread = client.get("/inbox/?unread=1").content.decode()
    assert "消息0" not in unread and "消息1" in unread


def test_inbox_needs_login(client):
    assert client.get("/inbox/")["Location"] == "/accounts/login/?next=/inbox/"


def test_mark_read_with_htmx_swaps_the_item_and_the_counter(client):
    user = make_resident()
    notes = inbox_for(user)
    client.force_login(user)
    response = client.post(f"/inbox/{notes[1].pk}/read/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notes[1].pk}"' in html
    assert "已读" in html and "标为已读" not in html
    assert 'id="inbox-unread"' in html and 'hx-swap-oob="true"' in html and "2 条未读" in html
    notes[1].refresh_from_db()
    assert notes[1].read_at is not None


def test_mark_read_without_htmx_redirects(client):
    user = make_resident()
    notes = inbox_for(user, 1)
    client.force_login(user)
    response = client.post(f"/inbox/{notes[0].pk}/read/")
    assert response["Location"] == "/inbox/"


def test_nobody_marks_someone_elses_message(client):
    owner, other = make_resident(), make_resident()
    notes = inbox_for(owner, 1)
    client.force_login(other)
    response = client.post(f"/inbox/{notes[0].pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "未找到该消息。" in response.content.decode()
    notes[0].refresh_from_db()
    assert notes[0].read_at is None
    with pytest.raises(NotFound):
        notification_mark_read(user=other, notification_id=notes[0].pk)


def test_mark_all_read(client):
    user = make_resident()
    inbox_for(user)
    other = make_resident()
    inbox_for(other, 1)
    client.force_login(user)
    assert client.post("/inbox/read-all/")["Location"] == "/inbox/"
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_inbox_api(client):
    user = make_resident()
    notes = inbox_for(user)
    client.force_login(user)
    data = client.get("/api/notifications/inbox").json()
    assert data["count"] == 3
    assert [item["title"] for item in data["items"]] == ["消息2", "消息1", "消息0"]
    assert client.get("/api/notifications/inbox/unread-count").json() == {"unread": 3}
    response = client.post(f"/api/notifications/inbox/{notes[0].pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert [i["title"] for i in client.get("/api/notifications/inbox?unread=true").json()["items"]] == ["消息2", "消息1"]
    assert client.post("/api/notifications/inbox/read-all").json() == {"marked": 2, "unread": 0}


def test_inbox_api_refuses_anonymous_and_other_users(client):
    owner, other = make_resident(), make_resident()
    notes = inbox_for(owner, 1)
    assert client.get("/api/notifications/inbox").status_code == 401
    client.force_login(other)
    response = client.post(f"/api/notifications/inbox/{notes[0].pk}/read")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该消息。"}
    assert client.get("/api/notifications/inbox").json()["count"] == 0


def test_unread_count_template_tag(rf):
    from django.template import Context, Template

    user = make_resident()
    inbox_for(user, 2)
    request = rf.get("/")
    request.user = user
    out = Template("{% load notifications_tags %}{% inbox_unread_count as n %}[{{ n }}]").render(
        Context({"request": request}))
    assert out == "[2]"


def test_inbox_api_with_a_bearer_token(client):
    from quntuan.api.auth import token_issue

    user = make_resident()
    inbox_for(user, 2)
    token, _ = token_issue(user)
    response = client.get("/api/notifications/inbox/unread-count", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == {"unread": 2}
    me = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (me["authenticated"], me["id"], me["unread_notifications"]) == (True, user.pk, 2)


def test_inbox_api_anonymous_answer_is_chinese(client):
    response = client.get("/api/notifications/inbox")
    assert response.status_code == 401
    assert response.json()["message"] == "请先登录,或提供有效的访问令牌。"
