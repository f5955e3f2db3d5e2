from django.db import models
from django.utils.translation import gettext_lazy as _

from quntuan.core.models import TimeStampedModel


class TimeLimitClass(models.TextChoices):
    IMMEDIATE = "immediate", _("即办")
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉维权")


class Category(models.Model):
    """One of the catalogue's categories; its code (``union.legal``) is a stable identifier."""

    code = models.CharField("代码", max_length=40, unique=True)
    org_code = models.CharField("组织代码", max_length=20)
    name = models.CharField("名称", max_length=64)
    covers = models.TextField("涵盖事项", blank=True)

    class Meta:
        verbose_name = "服务类别"
        verbose_name_plural = "服务类别"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Service(TimeStampedModel):
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="责任组织", on_delete=models.PROTECT, related_name="services"
    )
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="services")
    name = models.CharField("事项名称", max_length=80)
    time_limit_class = models.CharField(
        "时限类别", max_length=12, choices=TimeLimitClass.choices, default=TimeLimitClass.HELP
    )
    materials = models.TextField("所需材料", blank=True, help_text="每行一项")
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("有效", default=True)
    # jieba-segmented text of name, category and description, space separated, for keyword search
    # that works the same on SQLite and PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["organization_id", "category__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="service_org_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]
