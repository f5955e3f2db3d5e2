import pytest
from django.core import mail

from quntuan.core.testing import make_resident
from quntuan.notifications.models import Notification, OutboundMessage
from quntuan.notifications.services import notify
from quntuan.notifications.sms import LoggingSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_sms():
    LoggingSmsBackend.clear()
    yield
    LoggingSmsBackend.clear()


def test_notify_twice_with_same_key_sends_one_email_and_one_sms(django_capture_on_commit_callbacks):
    user = make_resident(mobile="13900001111")
    user.email = "resident@example.org"
    user.save()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(title="诉求已受理", body="您的诉求已受理。", dedup_key="case:1:received", user=user,
                   link="/cases/1/")

    assert Notification.objects.filter(user=user).count() == 1
    assert [m.subject for m in mail.outbox] == ["诉求已受理"]
    assert mail.outbox[0].to == ["resident@example.org"]
    assert LoggingSmsBackend.messages_for("13900001111") == ["【群团服务云平台】诉求已受理:您的诉求已受理。"]
    assert sorted(OutboundMessage.objects.values_list("dedup_key", "status")) == [
        ("case:1:received:email", "sent"), ("case:1:received:sms", "sent"),
    ]


def test_inbox_only_for_a_user_without_email_or_mobile(django_capture_on_commit_callbacks):
    user = make_resident(mobile="13900002222")
    user.mobile = None
    user.username = "noaddress"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(title="活动提醒", body="明天 9:00 开始。", dedup_key="activity:1:reminder", user=user)
    assert list(Notification.objects.filter(user=user).values_list("title", "body")) == [("活动提醒", "明天 9:00 开始。")]
    assert OutboundMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    user = make_resident(mobile="13900003333")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(title="诉求已受理", body="……", dedup_key="case:2:received", user=user)
            raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert OutboundMessage.objects.count() == 0
    assert LoggingSmsBackend.messages_for("13900003333") == []


def test_explicit_addresses_without_a_user(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(title="回执", body="您的诉求编号 QT-1", dedup_key="case:3:receipt", mobile="13900004444",
               email="a@example.org")
    assert Notification.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert LoggingSmsBackend.messages_for("13900004444") == ["【群团服务云平台】回执:您的诉求编号 QT-1"]


def test_long_dedup_keys_are_shortened_consistently(django_capture_on_commit_callbacks):
    key = "case:4:" + "x" * 300
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(title="t", body="b", dedup_key=key, mobile="13900005555", channels=("sms",))
    assert OutboundMessage.objects.count() == 1
    assert len(OutboundMessage.objects.get().dedup_key) == 128
    assert LoggingSmsBackend.messages_for("13900005555") == ["【群团服务云平台】t:b"]


def test_pending_messages_are_queued_again(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from quntuan.notifications.services import outbound_requeue_pending

    message = OutboundMessage.objects.create(channel="sms", dedup_key="k:sms", recipient="13900006666",
                                             body="【群团服务云平台】补发", created_at=timezone.now() - timedelta(hours=1))
    fresh = OutboundMessage.objects.create(channel="sms", dedup_key="k2:sms", recipient="13900006666", body="新")
    assert outbound_requeue_pending() == 1
    message.refresh_from_db()
    fresh.refresh_from_db()
    assert (message.status, fresh.status) == ("sent", "pending")
    assert LoggingSmsBackend.messages_for("13900006666") == ["【群团服务云平台】补发"]
