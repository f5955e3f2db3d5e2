from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECTIONS = (
    ("leadership", "突出政治站位，强化组织领导"),
    ("required", "突出工作重点，完成规定动作"),
    ("innovation", "突出服务创新，提升服务能力"),
    ("grassroots", "突出基层建设，夯实组织基础"),
    ("brand", "突出品牌创建，增强社会影响力"),
)
PROBLEMS = ("problems", "存在的问题及下一步打算")
NARRATIVE_KEYS = tuple(k for k, _ in SECTIONS) + (PROBLEMS[0],)


class ReportDraft(models.Model):
    """A work report for one period and scope: the figures are generated and locked; the
    narrative parts are written by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        GENERATING = "generating", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("月")
        QUARTER = "quarter", _("季度")
        HALF = "half", _("半年")
        YEAR = "year", _("年")

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="report_drafts")
    organization = models.ForeignKey("organizations.Organization", verbose_name="汇报组织", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="report_drafts",
                                     help_text="为空表示全区汇报")
    period_kind = models.CharField("周期", max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveSmallIntegerField("序号", default=1, help_text="月 1–12，季度 1–4，半年 1–2，年 1")
    title = models.CharField("标题", max_length=120)
    figures = models.JSONField("生成的数据（锁定）", default=list, blank=True)
    narrative = models.JSONField("叙述部分（可编辑）", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    error = models.CharField("错误", max_length=200, blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作汇报"
        verbose_name_plural = "工作汇报"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ImportRun(models.Model):
    """One roster upload: checked and imported by a task (all rows or none); the page polls its
    progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        REJECTED = "rejected", _("未导入")

    kind = models.CharField("名册类型", max_length=12)
    district = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField("文件名", max_length=200, blank=True)
    data = models.BinaryField("文件内容", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    imported = models.PositiveIntegerField("导入行数", default=0)
    errors = models.JSONField("错误报告", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField("开始导入时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("导入次数", default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
