from django.contrib import admin

from quntuan.assessment.models import (
    Assignment,
    Budget,
    Cadre,
    CadreTraining,
    Indicator,
    ManualScore,
    MediaReport,
    OfficeSpace,
    Post,
    ProgressReport,
    SupervisionItem,
    VetoFlag,
)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("organization", "name", "kind", "authorized", "filled")
    list_filter = ("kind",)


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ("organization", "name", "kind", "position", "start", "end")
    list_filter = ("kind",)


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ("organization", "year", "amount")
    list_filter = ("year",)


@admin.register(OfficeSpace)
class OfficeSpaceAdmin(admin.ModelAdmin):
    list_display = ("organization", "address", "area", "rooms")


@admin.register(MediaReport)
class MediaReportAdmin(admin.ModelAdmin):
    list_display = ("published_on", "title", "outlet", "level", "organization")
    list_filter = ("level",)


@admin.register(CadreTraining)
class CadreTrainingAdmin(admin.ModelAdmin):
    list_display = ("start", "title", "days", "trainees", "organization")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(SupervisionItem)
class SupervisionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "due_date", "is_key", "district")
    inlines = [AssignmentInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("assignment", "month", "percent")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("year", "scope", "name", "source", "weight", "target")
    list_filter = ("year", "scope", "source")


@admin.register(ManualScore)
class ManualScoreAdmin(admin.ModelAdmin):
    list_display = ("indicator", "organization", "street", "score")


@admin.register(VetoFlag)
class VetoFlagAdmin(admin.ModelAdmin):
    list_display = ("year", "organization", "kind", "withdrawn")
