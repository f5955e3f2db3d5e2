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
