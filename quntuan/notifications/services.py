"""Notifications: the in-app inbox, e-mail and SMS, and SMS one-time codes.

``notify`` writes the inbox row in the caller's transaction and queues e-mail and SMS as Celery
tasks after commit. Every outbound message has a unique ``dedup_key`` so that calling ``notify``
twice, or a task that runs twice, never sends the same message twice.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.core.text import is_valid_mobile
from quntuan.notifications.models import Notification, OneTimeCode, OutboundMessage
from quntuan.notifications.sms import get_sms_backend

logger = logging.getLogger("quntuan.notifications")

SMS_SIGNATURE = "【群团服务云平台】"
OTP_LENGTH = 6
OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60
OTP_ADDRESS_LIMIT = 20
OTP_ADDRESS_WINDOW = timedelta(hours=1)
SENSITIVE_BODY_AFTER_SEND = "(验证码短信,内容已在发送后清除)"
DEDUP_KEY_MAX = 128


def _key(dedup_key: str, suffix: str = "") -> str:
    """A stored key of at most 128 characters; long keys are shortened with a hash."""
    full = f"{dedup_key}:{suffix}" if suffix else dedup_key
    if len(full) <= DEDUP_KEY_MAX:
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()
    return f"{full[: DEDUP_KEY_MAX - 65]}~{digest}"


def _queue_delivery(message_id: int) -> None:
    from quntuan.notifications import tasks

    # robust: a failing broker or (in eager mode) a failing gateway must not turn the caller's
    # already committed request into an error page; the row stays pending and is visible.
    transaction.on_commit(lambda: tasks.deliver_outbound_message.delay(message_id), robust=True)


def _outbound(*, channel: str, dedup_key: str, recipient: str, subject: str, body: str,
              sensitive: bool = False) -> OutboundMessage | None:
    """Create the outbound row unless one with this key exists; queue it after commit."""
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                channel=channel, dedup_key=dedup_key, recipient=recipient, subject=subject[:200],
                body=body, sensitive=sensitive,
            )
    except IntegrityError:
        return None
    _queue_delivery(message.pk)
    return message


@transaction.atomic
def notify(*, title: str, body: str, dedup_key: str, user=None, mobile: str = "", email: str = "",
           link: str = "", case=None, channels=("inbox", "email", "sms")) -> None:
    """Tell a user (inbox, plus their e-mail and mobile) or a bare address about something.

    ``mobile`` and ``email`` default to the user's own. A channel without a recipient is skipped.
    The same ``dedup_key`` again adds nothing and sends nothing.
    """
    if not dedup_key:
        raise ValueError("notify() needs a dedup_key.")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None:
        mobile = mobile or (user.mobile or "")
        email = email or (user.email or "")

    if "inbox" in channels and user is not None:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, title=title[:128], body=body, link=link[:256], case=case,
                    dedup_key=_key(dedup_key),
                )
        except IntegrityError:
            pass
    if "email" in channels and email:
        text = body + (f"\n\n{_absolute(link)}" if link else "")
        _outbound(channel=OutboundMessage.Channel.EMAIL, dedup_key=_key(dedup_key, "email"),
                  recipient=email, subject=title, body=text)
    if "sms" in channels and mobile:
        _outbound(channel=OutboundMessage.Channel.SMS, dedup_key=_key(dedup_key, "sms"),
                  recipient=mobile, subject=title, body=f"{SMS_SIGNATURE}{title}:{body}")


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if link.startswith("/") and base:
        return base + link
    return link


# --- delivery (called by the Celery task) ------------------------------------------------------


def outbound_deliver(*, message_id: int) -> bool:
    """Send one outbound message unless it has been sent already. Returns True if sent now.

    The row is locked while sending, so two runs of the task never both send. A failure is
    recorded on the row and re-raised so that the task retries.
    """
    failure: Exception | None = None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboundMessage.Status.SENT:
            return False
        message.attempts = F("attempts") + 1
        try:
            if message.channel == OutboundMessage.Channel.EMAIL:
                EmailMessage(
                    subject=message.subject, body=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient],
                ).send(fail_silently=False)
            else:
                get_sms_backend().send(message.recipient, message.body)
        except Exception as exc:  # noqa: BLE001 - any backend error means "retry later"
            failure = exc
            message.error = f"{type(exc).__name__}: {exc}"[:2000]
            message.save(update_fields=["attempts", "error"])
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.error = ""
            fields = ["attempts", "status", "sent_at", "error"]
            if message.sensitive:
                message.body = SENSITIVE_BODY_AFTER_SEND
                fields.append("body")
            message.save(update_fields=fields)
    if failure is not None:
        raise failure
    return True


@transaction.atomic
def outbound_mark_failed(*, message_id: int, error: str = "") -> None:
    OutboundMessage.objects.filter(pk=message_id).exclude(status=OutboundMessage.Status.SENT).update(
        status=OutboundMessage.Status.FAILED, error=error[:2000],
    )


def outbound_requeue_pending(*, older_than: timedelta = timedelta(minutes=10), now: datetime | None = None) -> int:
    """Queue again every message still pending after ``older_than`` (lost task, broker down,
    gateway failure in eager mode). Safe to run often: delivery skips anything already sent."""
    from quntuan.notifications import tasks

    cutoff = (now or timezone.now()) - older_than
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk").values_list("pk", flat=True)[:1000]
    )
    for message_id in ids:
        try:
            tasks.deliver_outbound_message.delay(message_id)
        except Exception as exc:  # noqa: BLE001 - one failure must not stop the others
            logger.warning("Outbound message %s not sent yet: %s", message_id, exc)
    return len(ids)


# --- inbox -------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification_id: int, now: datetime | None = None) -> Notification:
    from quntuan.notifications.policies import notification_policy

    notification = notification_policy.visible(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("未找到该消息。"))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user, now: datetime | None = None) -> int:
    from quntuan.notifications.policies import notification_policy

    return notification_policy.visible(user).filter(read_at__isnull=True).update(read_at=now or timezone.now())


# --- one-time codes ----------------------------------------------------------------------------


def _otp_hash(mobile: str, purpose: str, code: str) -> str:
    return salted_hmac("quntuan.notifications.otp", f"{mobile}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _check_mobile(mobile: str) -> str:
    mobile = (mobile or "").strip()
    if not is_valid_mobile(mobile):
        raise ApplicationError(_("请输入正确的 11 位手机号码。"), code="invalid_mobile")
    return mobile


def otp_send(*, mobile: str, purpose: str = "case_submit", now: datetime | None = None,
             address: str | None = None) -> None:
    """Send a 6-digit code by SMS; valid 10 minutes, 5 tries; at most one per mobile a minute and
    OTP_ADDRESS_LIMIT per client address an hour (so nobody sprays codes at many numbers)."""
    mobile = _check_mobile(mobile)
    now = now or timezone.now()
    if address:
        sent = OneTimeCode.objects.filter(requested_from=address, created_at__gt=now - OTP_ADDRESS_WINDOW).count()
        if sent >= OTP_ADDRESS_LIMIT:
            raise ApplicationError(_("本网络获取验证码过于频繁,请一小时后再试。"), code="otp_address_limit", status=429,
            )
    with transaction.atomic():
        latest = (
            OneTimeCode.objects.select_for_update()
            .filter(mobile=mobile).order_by("-created_at", "-pk").first()
        )
        if latest is not None:
            waited = (now - latest.created_at).total_seconds()
            if 0 <= waited < OTP_RESEND_SECONDS:
                wait = OTP_RESEND_SECONDS - int(waited)
                raise ApplicationError(
                    _("验证码发送过于频繁,请 %(n)s 秒后再试。") % {"n": wait}, code="otp_too_soon", status=429,
                    extra={"retry_after": wait},
                )
        # An older unused code of the same purpose stops working when a new one is sent.
        OneTimeCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(10 ** OTP_LENGTH):0{OTP_LENGTH}d}"
        otc = OneTimeCode.objects.create(
            mobile=mobile, purpose=purpose, code_hash=_otp_hash(mobile, purpose, code),
            created_at=now, expires_at=now + OTP_TTL, requested_from=address or None,
        )
        minutes = int(OTP_TTL.total_seconds() // 60)
        _outbound(
            channel=OutboundMessage.Channel.SMS, dedup_key=_key(f"otp:{otc.pk}", "sms"), recipient=mobile,
            subject="短信验证码",
            body=f"{SMS_SIGNATURE}您的验证码是 {code},{minutes} 分钟内有效。请勿告诉他人。",
            sensitive=True,
        )


def otp_verify(*, mobile: str, code: str, purpose: str = "case_submit", now: datetime | None = None) -> None:
    """Accept the latest code sent to ``mobile`` for ``purpose`` once; raise ApplicationError otherwise.

    A wrong try is counted in its own transaction, so call this outside any atomic block of yours
    (otherwise your rollback would undo the count).
    """
    mobile = _check_mobile(mobile)
    code = (code or "").strip()
    now = now or timezone.now()
    error: ApplicationError | None = None
    with transaction.atomic():
        otc = (
            OneTimeCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at", "-pk").first()
        )
        if otc is None:
            error = ApplicationError(_("请先获取短信验证码。"), code="otp_missing")
        elif otc.expires_at <= now:
            error = ApplicationError(_("验证码已过期,请重新获取。"), code="otp_expired")
        elif otc.attempts >= OTP_MAX_ATTEMPTS:
            error = ApplicationError(_("验证码错误次数过多,请重新获取。"), code="otp_locked")
        elif not (len(code) == OTP_LENGTH and code.isdigit()
                  and constant_time_compare(_otp_hash(mobile, purpose, code), otc.code_hash)):
            OneTimeCode.objects.filter(pk=otc.pk).update(attempts=F("attempts") + 1)
            left = OTP_MAX_ATTEMPTS - otc.attempts - 1
            if left > 0:
                error = ApplicationError(_("验证码不正确,还可尝试 %(n)s 次。") % {"n": left}, code="otp_wrong")
            else:
                error = ApplicationError(_("验证码错误次数过多,请重新获取。"), code="otp_locked")
        else:
            OneTimeCode.objects.filter(pk=otc.pk).update(used_at=now)
    if error is not None:
        raise error
