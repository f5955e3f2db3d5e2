from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app inbox message."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=128)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=256, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Same key as the e-mail and SMS sent with it; calling notify() twice adds one inbox row.
    dedup_key = models.CharField("去重键", max_length=128, blank=True, default="")

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedup_key"], condition=~models.Q(dedup_key=""),
                name="notification_user_dedup_key",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboundMessage(models.Model):
    """Every e-mail and SMS the platform sends, keyed so a retried task never sends twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    dedup_key = models.CharField(max_length=128, unique=True)
    recipient = models.CharField(max_length=128)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # One-time codes: the text is blanked once sent, so no code is kept in clear.
    sensitive = models.BooleanField("内容敏感", default=False)
    attempts = models.PositiveSmallIntegerField("发送尝试次数", default=0)

    class Meta:
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class OneTimeCode(models.Model):
    """A one-time code sent by SMS to confirm a mobile number. Only its hash is kept."""

    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=32, default="case_submit")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    requested_from = models.GenericIPAddressField("请求地址", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        indexes = [models.Index(fields=["requested_from", "created_at"], name="otc_address_time")]

    def __str__(self):
        return f"{self.mobile} ({self.purpose})"
