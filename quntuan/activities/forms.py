"""Forms for the staff pages. They only parse input; the services validate and decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from quntuan.activities.models import WEEKDAY_LABELS, ActivityKind, AudienceGroup
from quntuan.activities.policies import user_organizations, venue_policy
from quntuan.activities.services import ActivityInput
from quntuan.organizations.models import Organization, Region

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
HOURS_RE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})\s*$")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _dt_field(label: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, input_formats=DATETIME_FORMATS,
                               widget=DateTimeLocalInput())


class ActivityForm(forms.Form):
    primary_host = forms.ModelChoiceField(label=_("主办单位"), queryset=Organization.objects.none())
    co_hosts = forms.ModelMultipleChoiceField(label=_("协办单位"), queryset=Organization.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start = _dt_field(_("开始时间"))
    end = _dt_field(_("结束时间"))
    venue = forms.ModelChoiceField(label=_("阵地"), queryset=None, required=False,
                                   help_text=_("选择阵地即同时预约;不用阵地时填写活动地址和社区"))
    address = forms.CharField(label=_("活动地址"), max_length=128, required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Region.objects.none(), required=False)
    capacity = forms.IntegerField(label=_("名额"))
    age_min = forms.IntegerField(label=_("最小年龄"), required=False)
    age_max = forms.IntegerField(label=_("最大年龄"), required=False)
    audience_groups = forms.MultipleChoiceField(label=_("面向人群"), choices=AudienceGroup.choices, required=False,
                                                widget=forms.CheckboxSelectMultiple, help_text=_("不选表示面向所有人"))
    registration_opens = _dt_field(_("报名开始"), required=False)
    registration_closes = _dt_field(_("报名截止"), required=False)
    needs_approval = forms.BooleanField(label=_("报名需审核"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = user_organizations(user)
        self.fields["primary_host"].queryset = orgs
        if orgs.count() == 1:
            self.fields["primary_host"].empty_label = None
        district_ids = set(orgs.values_list("district_id", flat=True))
        self.fields["co_hosts"].queryset = Organization.objects.filter(district_id__in=district_ids, is_active=True)
        self.fields["venue"].queryset = venue_policy.bookable_for(orgs).select_related("community")
        self.fields["community"].queryset = Region.objects.filter(
            level=Region.Level.COMMUNITY, district_id__in=district_ids).order_by("code")

    def to_input(self) -> ActivityInput:
        d = self.cleaned_data
        return ActivityInput(
            kind=d["kind"], title=d["title"], description=d["description"], start=d["start"], end=d["end"],
            capacity=d["capacity"], venue=d["venue"], address=d["address"], community=d["community"],
            age_min=d["age_min"], age_max=d["age_max"], audience_groups=d["audience_groups"],
            registration_opens=d["registration_opens"], registration_closes=d["registration_closes"],
            needs_approval=d["needs_approval"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
        )

    @staticmethod
    def initial_for(activity) -> dict:
        return {
            "primary_host": activity.primary_host_id,
            "co_hosts": [o.pk for o in activity.hosts.all() if o.pk != activity.primary_host_id],
            "kind": activity.kind, "title": activity.title, "description": activity.description,
            "start": activity.start, "end": activity.end, "venue": activity.venue_id, "address": activity.address,
            "community": activity.community_id, "capacity": activity.capacity, "age_min": activity.age_min,
            "age_max": activity.age_max, "audience_groups": activity.audience_groups,
            "registration_opens": activity.registration_opens, "registration_closes": activity.registration_closes,
            "needs_approval": activity.needs_approval, "contact_name": activity.contact_name,
            "contact_phone": activity.contact_phone,
        }


def parse_day_hours(text: str) -> list[list[str]]:
    """"09:00-12:00, 14:00-21:00" → [["09:00", "12:00"], ["14:00", "21:00"]]; empty = closed."""
    result = []
    for part in re.split(r"[,,;;\s]+", (text or "").strip()):
        if not part:
            continue
        m = HOURS_RE.match(part)
        if not m:
            raise forms.ValidationError(_("请按 09:00-12:00 的格式填写,多个时段用逗号分隔。"))
        result.append([m.group(1).zfill(5), m.group(2).zfill(5)])
    return result


def format_day_hours(day: list) -> str:
    return ", ".join(f"{a}-{b}" for a, b in day)


class VenueForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("所属单位"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("名称"), max_length=64)
    address = forms.CharField(label=_("地址"), max_length=128)
    community = forms.ModelChoiceField(label=_("所在社区"), queryset=Region.objects.none())
    capacity = forms.IntegerField(label=_("容纳人数"))
    facilities = forms.CharField(label=_("设施"), max_length=256, required=False)
    buffer_minutes = forms.IntegerField(label=_("场地间隔(分钟)"), initial=30,
                                        help_text=_("两场活动之间留出的整理时间"))
    bookable_by = forms.ModelMultipleChoiceField(label=_("可预约单位"), queryset=Organization.objects.none(),
                                                 required=False, widget=forms.CheckboxSelectMultiple,
                                                 help_text=_("不选表示仅所属单位可预约"))
    photo = forms.FileField(label=_("照片"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = user_organizations(user)
        district_ids = set(orgs.values_list("district_id", flat=True))
        self.fields["owner"].queryset = orgs
        if orgs.count() == 1:
            self.fields["owner"].empty_label = None
        self.fields["community"].queryset = Region.objects.filter(
            level=Region.Level.COMMUNITY, district_id__in=district_ids).order_by("code")
        self.fields["bookable_by"].queryset = Organization.objects.filter(district_id__in=district_ids,
                                                                          is_active=True)
        for i, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"hours_{i}"] = forms.CharField(label=label, required=False, initial="09:00-21:00",
                                                        help_text=_("如 09:00-12:00, 14:00-21:00;留空表示闭馆")
                                                        if i == 0 else "")

    def day_fields(self):
        return [self[f"hours_{i}"] for i in range(7)]

    def clean(self):
        data = super().clean()
        hours = []
        for i in range(7):
            try:
                hours.append(parse_day_hours(data.get(f"hours_{i}", "")))
            except forms.ValidationError as exc:
                self.add_error(f"hours_{i}", exc)
        data["opening_hours"] = hours
        return data

    @staticmethod
    def initial_for(venue) -> dict:
        initial = {
            "owner": venue.owner_id, "name": venue.name, "address": venue.address, "community": venue.community_id,
            "capacity": venue.capacity, "facilities": venue.facilities, "buffer_minutes": venue.buffer_minutes,
            "bookable_by": [o.pk for o in venue.bookable_by.all()], "is_active": venue.is_active,
        }
        for i, day in enumerate(venue.opening_hours):
            initial[f"hours_{i}"] = format_day_hours(day)
        return initial


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("签到码"), max_length=120,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                                         "placeholder": "如 123-AbCd1234"}))


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    mobile = forms.CharField(label=_("手机号"), max_length=11, required=False)
