"""SMS backends. ``settings.SMS_BACKEND`` names the class; ``get_sms_backend()`` builds it.

A backend's ``send`` either returns normally (the message was accepted) or raises, so that the
Celery task retries it."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

from quntuan.core.text import mask_mobile

logger = logging.getLogger("quntuan.notifications.sms")


class SmsSendError(Exception):
    """The gateway refused or could not be reached; the task retries."""


class BaseSmsBackend:
    def send(self, mobile: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Development and test backend: logs each message and keeps the last ones in memory."""

    outbox: deque[tuple[str, str]] = deque(maxlen=200)
    _lock = threading.Lock()

    def send(self, mobile: str, text: str) -> None:
        with self._lock:
            self.outbox.append((mobile, text))
        logger.info("SMS to %s: %s", mask_mobile(mobile), text)

    @classmethod
    def messages_for(cls, mobile: str) -> list[str]:
        with cls._lock:
            return [text for m, text in cls.outbox if m == mobile]

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POSTs ``{"mobile": ..., "text": ...}`` as JSON to ``settings.SMS_GATEWAY_URL`` with a bearer
    token (``settings.SMS_GATEWAY_TOKEN``). Any non-2xx answer or network error raises."""

    timeout = 10

    def __init__(self, url: str | None = None, token: str | None = None):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        if not self.url.startswith(("http://", "https://")):
            raise SmsSendError("SMS_GATEWAY_URL must be an http(s) URL.")

    def send(self, mobile: str, text: str) -> None:
        payload = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsSendError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsSendError(f"SMS gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsSendError(f"SMS gateway answered {status}")
        logger.info("SMS to %s accepted by the gateway", mask_mobile(mobile))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
