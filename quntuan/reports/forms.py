from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.reports.figures import Period
from quntuan.reports.importer import ROSTERS
from quntuan.reports.models import NARRATIVE_KEYS, PROBLEMS, SECTIONS, ReportDraft


class DraftForm(forms.Form):
    period_kind = forms.ChoiceField(label=_("汇报周期"), choices=ReportDraft.PeriodKind.choices)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    number = forms.TypedChoiceField(label=_("期间"), coerce=int, choices=[(n, n) for n in range(1, 13)], initial=1)
    scope = forms.ChoiceField(label=_("汇报范围"))

    def __init__(self, *args, districts=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {str(d.pk): d for d in districts}
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["scope"].choices = (
            [(f"district:{d.pk}", _("全区：%(n)s") % {"n": d.name}) for d in districts]
            + [(f"org:{o.pk}", o.name) for o in organizations]
        )
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = today.month
        self.fields["period_kind"].initial = ReportDraft.PeriodKind.MONTH

    def number_groups(self):
        """(kind, label, [(value, label, selected)]) for the 期间 select: the template shows the
        group of the chosen 汇报周期 (all groups without JavaScript)."""
        kind = str(self["period_kind"].value() or "")
        number = str(self["number"].value() or "")
        quarters = [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")]
        groups = [
            ("month", _("月"), [(n, _("%(n)d月") % {"n": n}) for n in range(1, 13)]),
            ("quarter", _("季度"), list(enumerate(quarters, start=1))),
            ("half", _("半年"), [(1, _("上半年")), (2, _("下半年"))]),
            ("year", _("年"), [(1, _("全年"))]),
        ]
        return [(k, label, [(n, text, k == kind and str(n) == number) for n, text in options])
                for k, label, options in groups]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
        if data["number"] > limits[data["period_kind"]]:
            self.add_error("number", _("该周期的序号最大为 %(n)d。") % {"n": limits[data["period_kind"]]})
            return data
        data["period"] = Period(kind=data["period_kind"], year=data["year"], number=data["number"])
        kind, _sep, pk = data["scope"].partition(":")
        if kind == "district":
            data["district"], data["organization"] = self.districts[pk], None
        else:
            org = self.organizations[pk]
            data["district"], data["organization"] = org.district, org
        return data


class NarrativeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(SECTIONS)
        labels[PROBLEMS[0]] = PROBLEMS[1]
        for key in NARRATIVE_KEYS:
            self.fields[key] = forms.CharField(label=labels[key], required=False, max_length=5000,
                                               widget=forms.Textarea(attrs={"rows": 5}))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("名册类型"), choices=[(k, r.label) for k, r in ROSTERS.items()])
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
