"""Who leads where two organizations' services overlap: one row per pair of organizations
(``org_a`` has the smaller id), recorded by the district (``overlap_services.overlap_lead_record``,
which also writes an audit record of every change)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class OverlapLead(models.Model):
    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    org_a = models.ForeignKey("organizations.Organization", verbose_name="组织甲", on_delete=models.CASCADE,
                              related_name="+")
    org_b = models.ForeignKey("organizations.Organization", verbose_name="组织乙", on_delete=models.CASCADE,
                              related_name="+")
    lead_org = models.ForeignKey("organizations.Organization", verbose_name="牵头单位", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("分工说明", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("记录时间")

    class Meta:
        app_label = "routing"
        verbose_name = "职能交叉牵头约定"
        verbose_name_plural = "职能交叉牵头约定"
        constraints = [
            models.UniqueConstraint(fields=["org_a", "org_b"], name="overlap_lead_pair_unique"),
            models.CheckConstraint(condition=Q(org_a__lt=F("org_b")), name="overlap_lead_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.org_a_id}–{self.org_b_id}"
