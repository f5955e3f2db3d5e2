from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """Whether a year's official State Council holiday table has been entered."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    is_official = models.BooleanField("已录入国务院放假安排", default=False)
    source = models.CharField("来源", max_length=128, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"


class SpecialDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday on a weekday, or a make-up
    working weekend day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=32, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"
