"""Versioned routing models: each trained model is a row with its pickled bytes and metrics; one
row is active. Rolling back is activating an older row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoutingModel(models.Model):
    version = models.PositiveIntegerField("版本", unique=True)
    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    is_active = models.BooleanField("在用", default=False)
    payload = models.BinaryField("模型数据")
    metrics = models.JSONField("评估指标", default=dict, blank=True)
    n_examples = models.PositiveIntegerField("训练样本数", default=0)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "分派模型"
        verbose_name_plural = "分派模型"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="routing_one_active_model"),
        ]

    def __str__(self) -> str:
        return f"v{self.version}{' (在用)' if self.is_active else ''}"


class RoutingLabel(models.Model):
    """A category a staff member confirmed or corrected for a case: training data for the next
    model. The latest label of a case wins; closed cases without a label count with their final
    category."""

    class Source(models.TextChoices):
        # At staff intake, by what the page suggested ("您要找的可能是…", its first place):
        INTAKE = "intake", _("受理登记时确认(未显示建议)")
        ACCEPTED = "accepted", _("受理登记时采纳首选建议")
        OVERRIDDEN = "overridden", _("受理登记时改选其他类别")
        # Later:
        CORRECTED = "corrected", _("转办时更正类别")
        TRANSFER = "transfer", _("转出时确认")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="routing_labels")
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    # The first suggestion shown when the category was chosen (intake): equal to ``category`` when
    # accepted, the model's mistake when overridden, empty when none was shown.
    suggested = models.ForeignKey("catalog.Category", verbose_name="首选建议", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "分派标注"
        verbose_name_plural = "分派标注"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.category_id} ({self.source})"


# The overlap matrix's "who leads" notes live in their own module.
from quntuan.routing.overlap_models import OverlapLead  # noqa: E402,F401
