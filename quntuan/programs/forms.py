"""Forms for the programs pages. They only parse input (and build a criteria structure from the
target-group builder); the services validate and decide."""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.activities.models import AudienceGroup
from quntuan.core.exceptions import ApplicationError
from quntuan.programs import criteria as crit
from quntuan.programs import queries
from quntuan.programs.models import Plan, Purpose, Referral, ResidentProfile
from quntuan.programs.policies import staff_district_ids, staff_organizations
from quntuan.programs.services import OUTCOME_FIELDS, PlanInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BOOL_CHOICES = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]
CHANNEL_CHOICES = [("inbox", _("站内消息")), ("email", _("电子邮件")), ("sms", _("短信"))]


class ActivityChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title}({timezone.localtime(obj.start):%Y-%m-%d})"


class ActivityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title}({timezone.localtime(obj.start):%Y-%m-%d %H:%M})"


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}({obj.organization.name})"


def _single_org(field, orgs) -> None:
    field.queryset = orgs
    if orgs.count() == 1:
        field.empty_label = None


# --- plans -------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("发布组织"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=Plan.Kind.choices)
    title = forms.CharField(label=_("计划名称"), max_length=100)
    goal = forms.CharField(label=_("目标"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.ChoiceField(label=_("面向人群"), choices=[("", _("不限")), *AudienceGroup.choices],
                                 required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=None, required=False,
                                       empty_label=_("全区"), help_text=_("全区范围时不选"))
    start_date = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET)
    capacity = forms.IntegerField(label=_("计划人数"), required=False, min_value=1)
    budget_line = forms.CharField(label=_("预算科目"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    target_group = forms.ModelChoiceField(label=_("目标人群"), queryset=None, required=False,
                                          empty_label=_("不指定"))
    activities = ActivityChoices(label=_("关联活动"), queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text=_("本组织主办或协办的活动"))
    services = forms.ModelMultipleChoiceField(label=_("关联服务"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("本组织在服务目录中的服务"))

    def __init__(self, *args, user, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = staff_organizations(user)
        _single_org(self.fields["organization"], orgs)
        org_ids = [plan.organization_id] if plan is not None else list(orgs.values_list("pk", flat=True))
        if plan is not None:
            self.fields["organization"].disabled = True
            self.fields["organization"].queryset = orgs.model.objects.filter(pk=plan.organization_id)
        self.fields["community"].queryset = queries.staff_communities(user)
        self.fields["target_group"].queryset = queries.visible_groups(user)
        self.fields["activities"].queryset = queries.hosted_activities(org_ids)
        self.fields["services"].queryset = queries.own_services(org_ids)

    @staticmethod
    def initial_for(plan: Plan) -> dict:
        return {
            "organization": plan.organization_id, "kind": plan.kind, "title": plan.title, "goal": plan.goal,
            "audience": plan.audience, "community": plan.community_id, "start_date": plan.start_date,
            "end_date": plan.end_date, "capacity": plan.capacity, "budget_line": plan.budget_line,
            "contact_name": plan.contact_name, "contact_phone": plan.contact_phone,
            "target_group": plan.target_group_id, "activities": list(plan.activities.values_list("pk", flat=True)),
            "services": list(plan.services.values_list("pk", flat=True)),
        }

    def to_input(self) -> PlanInput:
        d = self.cleaned_data
        return PlanInput(
            title=d["title"], goal=d["goal"], start_date=d["start_date"], end_date=d["end_date"], kind=d["kind"],
            audience=d["audience"], community=d["community"], capacity=d["capacity"], budget_line=d["budget_line"],
            contact_name=d["contact_name"], contact_phone=d["contact_phone"], target_group=d["target_group"],
            activities=tuple(d["activities"]), services=tuple(d["services"]),
        )


class OutcomesForm(forms.Form):
    trained = forms.IntegerField(label=_("培训人数"), min_value=0)
    reemployed = forms.IntegerField(label=_("再就业人数"), min_value=0)
    businesses_started = forms.IntegerField(label=_("创业户数"), min_value=0)
    jobs_created = forms.IntegerField(label=_("带动就业岗位"), min_value=0)
    people_served = forms.IntegerField(label=_("服务人次"), min_value=0)

    @staticmethod
    def initial_for(plan: Plan) -> dict:
        return {f: getattr(plan, f) for f in OUTCOME_FIELDS}


# --- target groups -----------------------------------------------------------------------------


SET_ATTRS = ("gender", "employment_status", "worker_type", "overseas", "disability_type", "disability_grade",
             "hardship")
BOOL_ATTRS = ("union_member", "league_member")
REGION_ATTRS = ("street", "community")


def _set_field(attr: str) -> forms.MultipleChoiceField:
    label, _kind, allowed = crit.ATTRIBUTES[attr]
    return forms.MultipleChoiceField(label=label, choices=list(allowed.items()), required=False,
                                     widget=forms.CheckboxSelectMultiple)


class CriteriaForm(forms.Form):
    """The target-group builder: one condition per filled attribute, combined with “all” or
    “any”; several values of one attribute form a set; age is a range. Nested and/or groups go in
    the advanced JSON box, which then replaces the fields."""

    organization = forms.ModelChoiceField(label=_("所属组织"), queryset=None)
    purpose = forms.ChoiceField(label=_("推送类别(按居民的授权计数)"), choices=Purpose.choices)
    combine = forms.ChoiceField(label=_("条件之间"), choices=[("all", _("同时满足(且)")), ("any", _("满足其一(或)"))],
                                initial="all", widget=forms.RadioSelect)
    age_min = forms.IntegerField(label=_("年龄不小于"), required=False, min_value=0, max_value=crit.MAX_AGE)
    age_max = forms.IntegerField(label=_("年龄不大于"), required=False, min_value=0, max_value=crit.MAX_AGE)
    gender = _set_field("gender")
    employment_status = _set_field("employment_status")
    worker_type = _set_field("worker_type")
    union_member = forms.ChoiceField(label=_("工会会员"), choices=BOOL_CHOICES, required=False)
    league_member = forms.ChoiceField(label=_("共青团员"), choices=BOOL_CHOICES, required=False)
    overseas = _set_field("overseas")
    disability_type = _set_field("disability_type")
    disability_grade = _set_field("disability_grade")
    hardship = _set_field("hardship")
    street = forms.TypedMultipleChoiceField(label=_("街道"), coerce=int, required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 5}))
    community = forms.TypedMultipleChoiceField(label=_("社区"), coerce=int, required=False,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    advanced = forms.CharField(label=_("高级条件(JSON,可嵌套且/或)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                               help_text=_('例如 {"any": [{"attr": "age", "op": "lte", "value": 35}, '
                                           '{"attr": "worker_type", "op": "in", "value": ["rider"]}]}'))
    name = forms.CharField(label=_("人群名称"), max_length=64, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _single_org(self.fields["organization"], staff_organizations(user))
        districts = staff_district_ids(user)
        self.fields["street"].choices = list(queries.district_streets(districts).values_list("pk", "name"))
        self.fields["community"].choices = list(queries.district_communities(districts).values_list("pk", "name"))

    def criteria(self) -> dict:
        """The criteria structure (not yet validated: the service does that with its messages)."""
        d = self.cleaned_data
        if (d.get("advanced") or "").strip():
            try:
                value = json.loads(d["advanced"])
            except ValueError:
                raise ApplicationError("高级条件不是有效的 JSON,请检查括号和引号。", code="invalid_criteria") from None
            if not isinstance(value, dict):
                raise ApplicationError("高级条件应为一个对象,例如 {\"all\": [...]}。", code="invalid_criteria")
            return value
        conditions: list[dict] = []
        low, high = d.get("age_min"), d.get("age_max")
        if low is not None and high is not None:
            conditions.append({"attr": "age", "op": "between", "value": [low, high]})
        elif low is not None:
            conditions.append({"attr": "age", "op": "gte", "value": low})
        elif high is not None:
            conditions.append({"attr": "age", "op": "lte", "value": high})
        for attr in (*SET_ATTRS, *REGION_ATTRS):
            values = d.get(attr) or []
            if values:
                conditions.append({"attr": attr, "op": "in", "value": list(values)})
        for attr in BOOL_ATTRS:
            if d.get(attr):
                conditions.append({"attr": attr, "op": "eq", "value": d[attr] == "yes"})
        if not conditions:
            return {}
        return {d.get("combine") or "all": conditions}

    @staticmethod
    def initial_from(criteria: dict) -> dict:
        """Fill the fields from saved criteria when they are one flat group the fields can show;
        otherwise put them in the advanced box."""
        key = "all" if "all" in criteria else "any" if "any" in criteria else None
        children = criteria.get(key) if key else None
        flat = isinstance(children, list) and all(isinstance(c, dict) and "attr" in c for c in children or [])
        attrs = [c.get("attr") for c in children] if flat else []
        if not flat or len(attrs) != len(set(attrs)):
            return {"advanced": json.dumps(criteria, ensure_ascii=False)}
        initial: dict = {"combine": key}
        for c in children:
            attr, op, value = c["attr"], c.get("op"), c.get("value")
            if attr == "age" and op == "between" and isinstance(value, list) and len(value) == 2:
                initial["age_min"], initial["age_max"] = value
            elif attr == "age" and op in ("gte", "lte"):
                initial["age_min" if op == "gte" else "age_max"] = value
            elif attr in BOOL_ATTRS and op == "eq":
                initial[attr] = "yes" if value else "no"
            elif attr in (*SET_ATTRS, *REGION_ATTRS) and op in ("eq", "in"):
                initial[attr] = value if isinstance(value, list) else [value]
            else:
                return {"advanced": json.dumps(criteria, ensure_ascii=False)}
        return initial


# --- notices -----------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("发布组织"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    purpose = forms.ChoiceField(label=_("推送类别"), choices=Purpose.choices,
                                help_text=_("只有同意接收此类推送的居民会收到"))
    target_group = forms.ModelChoiceField(label=_("目标人群"), queryset=None,
                                          help_text=_("在“目标人群”页面筛选并保存"))
    channels = forms.MultipleChoiceField(label=_("渠道"), choices=CHANNEL_CHOICES, initial=["inbox"],
                                         widget=forms.CheckboxSelectMultiple)
    plan = forms.ModelChoiceField(label=_("关联计划"), queryset=None, required=False, empty_label=_("不关联"))
    activity = ActivityChoice(label=_("报名活动"), queryset=None, required=False, empty_label=_("无"))
    course = forms.ModelChoiceField(label=_("报名培训课程"), queryset=None, required=False, empty_label=_("无"))
    service = ServiceChoice(label=_("申请服务"), queryset=None, required=False, empty_label=_("无"),
                                     help_text=_("居民点“申请”即提交一件诉求,由服务的责任组织受理"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _single_org(self.fields["organization"], staff_organizations(user))
        self.fields["target_group"].queryset = queries.visible_groups(user)
        self.fields["plan"].queryset = queries.own_plans(user)
        self.fields["activity"].queryset = queries.signup_activities(user)
        self.fields["course"].queryset = queries.own_courses(user)
        self.fields["service"].queryset = queries.district_services(user)

    def clean(self):
        d = super().clean()
        if sum(bool(d.get(k)) for k in ("activity", "course", "service")) > 1:
            raise forms.ValidationError(_("报名对象只能选一项:活动、培训课程或服务。"))
        return d


# --- referrals ---------------------------------------------------------------------------------


class ReferralForm(forms.Form):
    from_organization = forms.ModelChoiceField(label=_("转出组织"), queryset=None)
    resident_mobile = forms.CharField(label=_("居民手机号"), max_length=11,
                                      widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    plan = forms.ModelChoiceField(label=_("转介到计划"), queryset=None, required=False, empty_label=_("不选"))
    service = ServiceChoice(label=_("或转介到服务"), queryset=None, required=False, empty_label=_("不选"))
    reason = forms.CharField(label=_("转介原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _single_org(self.fields["from_organization"], staff_organizations(user))
        self.fields["plan"].queryset = queries.referable_plans(user)
        self.fields["service"].queryset = queries.referable_services(user)


class ReferralDecisionForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, label) for s, label in Referral.Status.choices
                                        if s in (Referral.Status.ACCEPTED, Referral.Status.DECLINED,
                                                 Referral.Status.COMPLETED)])
    outcome = forms.CharField(label=_("办理结果或退回原因"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --- the resident's profile --------------------------------------------------------------------


class ProfileForm(forms.Form):
    """Every attribute is optional. Disability and hardship need their own consent box."""

    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DATE_WIDGET)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", _("不填")), *ResidentProfile.Gender.choices],
                               required=False)
    employment_status = forms.ChoiceField(label=_("就业状态"), required=False,
                                          choices=[("", _("不填")), *ResidentProfile.Employment.choices])
    worker_type = forms.ChoiceField(label=_("新就业形态劳动者"), required=False,
                                    choices=[("", _("不是或不填")), *ResidentProfile.WorkerType.choices])
    union_member = forms.ChoiceField(label=_("工会会员"), choices=[("", _("不填")), ("yes", _("是")), ("no", _("否"))],
                                     required=False)
    league_member = forms.ChoiceField(label=_("共青团员"), choices=[("", _("不填")), ("yes", _("是")), ("no", _("否"))],
                                      required=False)
    overseas = forms.ChoiceField(label=_("归侨侨眷"), required=False,
                                 choices=[("", _("不是或不填")), *ResidentProfile.Overseas.choices])
    community = forms.ModelChoiceField(label=_("所在社区"), queryset=None, required=False, empty_label=_("不填"))
    consent_disability = forms.BooleanField(
        label=_("我单独同意平台加密保存并使用我的残疾信息,仅用于为我匹配帮扶服务"), required=False)
    disability_type = forms.ChoiceField(label=_("残疾类别"), required=False,
                                        choices=[("", _("不填")), *crit.DISABILITY_TYPES.items()])
    disability_grade = forms.ChoiceField(label=_("残疾等级"), required=False,
                                         choices=[("", _("不填")), *crit.DISABILITY_GRADES.items()])
    consent_hardship = forms.BooleanField(
        label=_("我单独同意平台加密保存并使用我的家庭困难信息,仅用于为我匹配帮扶服务"), required=False)
    hardship = forms.ChoiceField(label=_("家庭困难类型"), required=False,
                                 choices=[("", _("不填")), *crit.HARDSHIPS.items()])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = queries.district_communities([user.region_id] if user.region_id else [])

    @staticmethod
    def initial_for(profile: ResidentProfile, sensitive: dict) -> dict:
        def yes_no(value):
            return "" if value is None else "yes" if value else "no"

        return {
            "birth_date": profile.birth_date, "gender": profile.gender,
            "employment_status": profile.employment_status, "worker_type": profile.worker_type,
            "union_member": yes_no(profile.union_member), "league_member": yes_no(profile.league_member),
            "overseas": profile.overseas, "community": profile.community_id,
            "consent_disability": profile.consent_disability, "consent_hardship": profile.consent_hardship,
            **sensitive,
        }

    def attributes(self) -> dict:
        d = self.cleaned_data
        attrs = {k: d[k] for k in ("birth_date", "gender", "employment_status", "worker_type", "overseas",
                                   "community", "disability_type", "disability_grade", "hardship")}
        for k in ("union_member", "league_member"):
            attrs[k] = None if not d[k] else d[k] == "yes"
        return attrs

    def sensitive_consent(self) -> dict[str, bool]:
        return {"disability": self.cleaned_data["consent_disability"],
                "hardship": self.cleaned_data["consent_hardship"]}


class RulesForm(forms.Form):
    weekly_cap = forms.IntegerField(label=_("每位居民每周最多收到的精准推送(所有组织合计)"), min_value=1, max_value=21)
    quiet_start = forms.TimeField(label=_("免打扰开始"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    quiet_end = forms.TimeField(label=_("免打扰结束"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    policy_version = forms.CharField(label=_("个人信息处理规则版本"), max_length=20,
                                     help_text=_("此后的授权记录都记下这个版本号。"))
