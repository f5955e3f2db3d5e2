"""E-mail to a real SMTP server and SMS to a real HTTP gateway, both started by the test."""

import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from quntuan.core.testing import make_resident
from quntuan.notifications import tasks
from quntuan.notifications.models import OutboundMessage
from quntuan.notifications.services import notify
from quntuan.notifications.sms import HttpGatewaySmsBackend, SmsSendError

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, collector
    finally:
        controller.stop()


def test_email_reaches_a_real_smtp_server_with_a_chinese_subject(smtp_server, django_capture_on_commit_callbacks):
    controller, collector = smtp_server
    user = make_resident(mobile="13400001111")
    user.email = "zhaomin@example.org"
    user.save()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, EMAIL_USE_TLS=False,
                           EMAIL_USE_SSL=False, EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
                           DEFAULT_FROM_EMAIL="quntuan@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(title="您的诉求已办结", body="诉求 QT-20261122-000123 已办结,请评价。",
                   dedup_key="case:123:closed", user=user, link="/cases/123/", channels=("email",))
        with django_capture_on_commit_callbacks(execute=True):
            notify(title="您的诉求已办结", body="重复调用", dedup_key="case:123:closed", user=user,
                   channels=("email",))

    assert len(collector.envelopes) == 1
    envelope = collector.envelopes[0]
    assert (envelope.mail_from, envelope.rcpt_tos) == ("quntuan@example.org", ["zhaomin@example.org"])
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "您的诉求已办结"
    assert message.get_content().replace("\r\n", "\n").strip() == "诉求 QT-20261122-000123 已办结,请评价。\n\n/cases/123/"
    assert OutboundMessage.objects.get(dedup_key="case:123:closed:email").status == "sent"


class Gateway:
    """A tiny SMS gateway: records each request and answers with ``status``."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_http_gateway_backend_posts_json_with_a_bearer_token():
    with Gateway() as gateway:
        HttpGatewaySmsBackend(url=gateway.url, token="s3cret").send("13400002222", "【群团服务云平台】测试")
    assert len(gateway.requests) == 1
    path, headers, body = gateway.requests[0]
    assert path == "/sms/send"
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert body == {"mobile": "13400002222", "text": "【群团服务云平台】测试"}


def test_http_gateway_backend_raises_on_non_2xx():
    with Gateway(status=503) as gateway:
        with pytest.raises(SmsSendError, match="SMS gateway answered 503"):
            HttpGatewaySmsBackend(url=gateway.url, token="t").send("13400002222", "x")


def test_http_gateway_backend_raises_when_unreachable():
    with pytest.raises(SmsSendError, match="SMS gateway unreachable"):
        HttpGatewaySmsBackend(url=f"http://127.0.0.1:{free_port()}/", token="t").send("13400002222", "x")


def test_notify_sends_sms_through_the_configured_gateway_once(django_capture_on_commit_callbacks):
    with Gateway() as gateway, override_settings(
        SMS_BACKEND="quntuan.notifications.sms.HttpGatewaySmsBackend", SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_TOKEN="tok",
    ):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                notify(title="诉求已转办", body="已转至区妇联办理。", dedup_key="case:9:transfer:1",
                       mobile="13400003333", channels=("sms",))
        message = OutboundMessage.objects.get()
        tasks.deliver_outbound_message.delay(message.pk)  # a task run again sends nothing
    assert [r[2] for r in gateway.requests] == [
        {"mobile": "13400003333", "text": "【群团服务云平台】诉求已转办:已转至区妇联办理。"}
    ]
    assert (message.dedup_key, OutboundMessage.objects.get().status) == ("case:9:transfer:1:sms", "sent")


def test_a_failing_gateway_leaves_the_message_retryable_and_the_caller_unharmed(
        django_capture_on_commit_callbacks):
    with Gateway(status=500) as gateway, override_settings(
        SMS_BACKEND="quntuan.notifications.sms.HttpGatewaySmsBackend", SMS_GATEWAY_URL=gateway.url,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notify(title="诉求已受理", body="……", dedup_key="case:10:received", mobile="13400004444",
                   channels=("sms",))  # does not raise
        message = OutboundMessage.objects.get()
        # The task asked Celery to retry later; the row stays pending with the reason.
        assert (message.status, message.error, message.attempts) == (
            "pending", "SmsSendError: SMS gateway answered 500", 1)
        # The last allowed retry fails too: the message is marked failed.
        with pytest.raises(SmsSendError):
            tasks.deliver_outbound_message.apply(args=[message.pk], retries=tasks.MAX_RETRIES)
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", 2)
        gateway.status = 200
        # An operator (or the pending sweep) queues it again; it is sent once.
        tasks.deliver_outbound_message.delay(message.pk)
        tasks.deliver_outbound_message.delay(message.pk)
    assert len(gateway.requests) == 3
    message.refresh_from_db()
    assert (message.status, message.error, message.attempts) == ("sent", "", 3)
