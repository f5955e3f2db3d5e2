"""Page forms of ledgers and the assessment. They only parse and check the input shape; the
services decide and change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quntuan.assessment.models import (
    Budget,
    Cadre,
    CadreTraining,
    Indicator,
    MediaReport,
    OfficeSpace,
    Post,
    VetoFlag,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["name", "kind", "authorized", "filled"]


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["name", "kind", "position", "from_unit", "start", "end"]
        widgets = {"start": DATE, "end": DATE}
        help_texts = {"end": _("仍在任的留空")}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["year", "amount", "note"]
        widgets = {"year": forms.NumberInput(attrs={"min": 2000, "max": 2100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators = []
        self.fields["amount"].widget.attrs.update(min="0", step="0.01")
        if self.instance.pk:
            self.fields["year"].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("年度无效。"))
        return year

    def validate_unique(self):  # the service replaces the organization's budget for the year
        pass


class OfficeSpaceForm(forms.ModelForm):
    class Meta:
        model = OfficeSpace
        fields = ["address", "area", "rooms", "note"]


class _OrgChoiceMixin:
    """An optional organization among those the user may edit; empty means a district-level row
    (the supervisor's only)."""

    def setup_orgs(self, organizations, allow_district: bool):
        field = forms.ModelChoiceField(label=_("组织"), queryset=organizations, required=not allow_district,
                                       empty_label=_("全区(不属于某个组织)") if allow_district else None)
        self.fields = {"organization": field, **self.fields}
        if self.instance.pk:
            field.initial = self.instance.organization_id


class MediaReportForm(_OrgChoiceMixin, forms.ModelForm):
    class Meta:
        model = MediaReport
        fields = ["title", "outlet", "published_on", "level", "link"]
        widgets = {"published_on": DATE}
        help_texts = {"link": _("以 http:// 或 https:// 开头")}

    def __init__(self, *args, organizations, allow_district: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_orgs(organizations, allow_district)


class CadreTrainingForm(_OrgChoiceMixin, forms.ModelForm):
    class Meta:
        model = CadreTraining
        fields = ["title", "start", "days", "trainees"]
        widgets = {"start": DATE}

    def __init__(self, *args, organizations, allow_district: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_orgs(organizations, allow_district)


class ManualScoreForm(forms.Form):
    score = forms.DecimalField(label=_("得分(0–100)"), min_value=0, max_value=100, decimal_places=2)
    evidence = forms.CharField(label=_("评分依据"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("佐证材料(PDF、Office 文档或照片)"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("evidence") or "").strip() and not data.get("evidence_file"):
            raise forms.ValidationError(_("人工评分需要填写评分依据或上传佐证材料。"))
        return data


class VetoForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("组织"), queryset=None)
    kind = forms.ChoiceField(label=_("否决类型"), choices=VetoFlag.Kind.choices)
    reason = forms.CharField(label=_("事由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label=_("佐证材料(可选)"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "scope", "source", "weight", "target", "order"]
        help_texts = {"target": _("计数类指标达到此值得满分;比率类和人工评分留空")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].widget.attrs.update(min="1", max="100")
        if self.instance.pk:  # what an indicator measures is fixed once it exists
            self.fields["scope"].disabled = True
            self.fields["source"].disabled = True


LEDGER_FORMS = {
    "post": (Post, PostForm, _("岗位编制/领导职数")),
    "cadre": (Cadre, CadreForm, _("专兼挂干部")),
    "budget": (Budget, BudgetForm, _("专项经费")),
    "office": (OfficeSpace, OfficeSpaceForm, _("办公场所")),
    "media": (MediaReport, MediaReportForm, _("媒体报道")),
    "training": (CadreTraining, CadreTrainingForm, _("干部培训")),
}
