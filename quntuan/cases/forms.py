"""Forms of the case pages. They validate the input (lengths, mobile format, choices) and hand
clean values to the service functions, which do the work and the business checks."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from quntuan.cases.models import Channel, FollowUp, Rating
from quntuan.catalog.queries import catalogue_services
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Organization, Region

TITLE_MAX = 100
CONTENT_MAX = 5000
SHORT_TEXT_MAX = 1000
ALLOWED_SUFFIXES = {".png", ".jpg", ".jpeg", ".pdf"}
ACCEPT = "image/png,image/jpeg,application/pdf,.png,.jpg,.jpeg,.pdf"
KEY_RE = re.compile(r"^[A-Za-z0-9-]{16,64}$")


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def _text(label, *, max_length=SHORT_TEXT_MAX, required=True, rows=3, placeholder=""):
    attrs = {"rows": rows, "maxlength": max_length}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.CharField(
        label=label, max_length=max_length, required=required, strip=True,
        widget=forms.Textarea(attrs=attrs),
        error_messages={
            "required": _("请填写%(label)s。") % {"label": label},
            "max_length": _("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length},
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several images or PDFs. Size and suffix are checked here for a quick answer; the service
    (``case_attachment_add``) checks the real content by its magic bytes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        files = [f for f in files if f]
        max_count = settings.ATTACHMENT_MAX_COUNT
        max_bytes = settings.ATTACHMENT_MAX_BYTES
        if len(files) > max_count:
            raise forms.ValidationError(_("附件最多 %(n)s 个。") % {"n": max_count})
        for f in files:
            if PurePath(f.name).suffix.lower() not in ALLOWED_SUFFIXES:
                raise forms.ValidationError(
                    _("附件“%(name)s”的类型不支持,仅支持 PNG、JPEG 图片或 PDF 文件。") % {"name": f.name}
                )
            if f.size > max_bytes:
                raise forms.ValidationError(
                    _("附件“%(name)s”超过 %(size)s。") % {"name": f.name, "size": filesizeformat(max_bytes)}
                )
        return files


def group_services(services) -> list:
    groups: dict[str, list] = {}
    for s in sorted(services, key=lambda s: (s.organization_id, s.category.code, s.name)):
        groups.setdefault(s.organization.name, []).append((str(s.pk), s.name))
    return [(org, items) for org, items in groups.items()]


def service_choices(user, district=None, services=None) -> list:
    """The services this user may pick (the catalogue's own rules), grouped by organization as
    <optgroup>s; ``services`` narrows them (a search result)."""
    if services is None:
        services = catalogue_services(user=user, district=district)
    return [("", _("不确定,只描述诉求"))] + group_services(services)


def community_choices(district=None) -> list:
    qs = Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
    if district is not None:
        qs = qs.filter(district=district)
    groups: dict[str, list] = {}
    for c in qs.order_by("parent__code", "code"):
        groups.setdefault(c.parent.name if c.parent else "", []).append((str(c.pk), c.name))
    return [("", _("请选择所在社区"))] + [(street, items) for street, items in groups.items()]


class CaseFormBase(forms.Form):
    service = forms.ChoiceField(label=_("服务事项"), required=False,
                                error_messages={"invalid_choice": _("所选服务事项不存在或已停用。")})
    title = forms.CharField(
        label=_("标题"), max_length=TITLE_MAX, strip=True,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX, "placeholder": _("一句话说明您的诉求")}),
        error_messages={"required": _("请填写标题。"), "max_length": _("标题不能超过 %(n)s 个字。") % {"n": TITLE_MAX}},
    )
    content = _text(_("诉求内容"), max_length=CONTENT_MAX, rows=6, placeholder=_("请写明事情经过、您的要求"))
    community = forms.ChoiceField(label=_("所在社区"), required=False,
                                  error_messages={"invalid_choice": _("所选社区不存在。")})
    address = forms.CharField(label=_("地点"), max_length=200, required=False, strip=True,
                              error_messages={"max_length": _("地点不能超过 200 个字。")})
    is_urgent = forms.BooleanField(label=_("紧急(需 2 小时内联系)"), required=False)
    attachments = MultipleFileField(label=_("附件(图片或 PDF)"))
    requester_name = forms.CharField(
        label=_("联系人姓名"), max_length=64, strip=True,
        error_messages={"required": _("请填写联系人姓名。"), "max_length": _("姓名不能超过 64 个字。")},
    )
    requester_mobile = forms.CharField(
        label=_("手机号码"), max_length=11, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel", "maxlength": 11}),
        error_messages={"required": _("请填写手机号码。"), "max_length": _("请输入有效的 11 位手机号码。")},
    )
    requester_email = forms.EmailField(label=_("电子邮箱(选填)"), required=False,
                                       error_messages={"invalid": _("请输入有效的电子邮箱。")})
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Filled when a routing suggestion is accepted ("您要找的可能是…") and no service is chosen.
    category = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def __init__(self, *args, user=None, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.district_hint = district
        self.fields["service"].choices = service_choices(user, district)
        self.fields["community"].choices = community_choices(district)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    def clean_service(self):
        value = self.cleaned_data.get("service")
        if not value:
            return None
        service = catalogue_services(user=self.user, district=self.district_hint).filter(pk=value).first() \
            if str(value).isdigit() else None
        if service is None:
            raise forms.ValidationError(_("所选服务事项不存在或已停用。"))
        return service

    def clean_category(self):
        from quntuan.catalog.models import Category

        code = (self.cleaned_data.get("category") or "").strip()
        if not code:
            return None
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise forms.ValidationError(_("所选服务类别不存在。"))
        return category

    def clean_community(self):
        value = self.cleaned_data.get("community")
        if not value:
            return None
        community = Region.objects.filter(pk=value, level=Region.Level.COMMUNITY).first() \
            if str(value).isdigit() else None
        if community is None:
            raise forms.ValidationError(_("所选社区不存在。"))
        return community

    def clean_requester_mobile(self):
        mobile = self.cleaned_data["requester_mobile"]
        if not is_valid_mobile(mobile):
            raise forms.ValidationError(_("请输入有效的 11 位手机号码。"))
        return mobile

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if not KEY_RE.match(key):
            raise forms.ValidationError(_("页面已过期,请刷新后重新提交。"))
        return key

    def clean(self):
        data = super().clean()
        if self.has_error("idempotency_key"):
            # A hidden field: say it above the form and give the next submission a fresh key.
            self.add_error(None, self.errors["idempotency_key"][0])
            self.data = self.data.copy()
            self.data["idempotency_key"] = new_idempotency_key()
        for name in ("title", "content"):
            if name in data and not data[name]:
                self.add_error(name, _("内容不能为空。"))
        return data

    def district(self, fallback=None):
        """The district the case belongs to: the community's, else the service's, else the
        fallback (the user's district, or the only district there is)."""
        community = self.cleaned_data.get("community")
        service = self.cleaned_data.get("service")
        if community is not None:
            return community.district
        if service is not None:
            return service.organization.district
        return fallback


class CaseSubmitForm(CaseFormBase):
    otp_code = forms.CharField(
        label=_("短信验证码"), max_length=6, required=False, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )

    def __init__(self, *args, needs_otp=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_otp = needs_otp
        if not needs_otp:
            del self.fields["otp_code"]

    def clean_otp_code(self):
        code = self.cleaned_data.get("otp_code", "")
        if self.needs_otp and not re.fullmatch(r"\d{4,6}", code or ""):
            raise forms.ValidationError(_("请输入短信验证码。"))
        return code


class StaffIntakeForm(CaseFormBase):
    channel = forms.ChoiceField(
        label=_("受理渠道"), choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
        initial=Channel.PHONE, widget=forms.RadioSelect,
    )
    received_org = forms.ChoiceField(label=_("首问单位"))
    # The first routing suggestion shown when the form was sent (rendered inside the suggestion
    # box, which refreshes it): tells an accepted suggestion from another category chosen.
    suggested = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    missing_materials = _text(_("需补充的材料(一次性告知)"), required=False, rows=3,
                              placeholder=_("每行一项;没有可不填"))

    field_order = ["channel", "received_org", "requester_name", "requester_mobile", "requester_email",
                   "service", "title", "content", "community", "address", "is_urgent", "missing_materials",
                   "attachments", "idempotency_key", "category", "suggested"]

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["received_org"].choices = [
            (pk, f"{m.organization.name}" + (f" · {m.workstation.name}" if m.workstation else ""))
            for pk, m in self.memberships.items()
        ]
        self.order_fields(self.field_order)

    def clean_received_org(self):
        value = self.cleaned_data["received_org"]
        membership = self.memberships.get(value)
        if membership is None:
            raise forms.ValidationError(_("请选择首问单位。"))
        return membership


class MergeForm(forms.Form):
    """Merge this case and another likely duplicate: the later one is merged into the earlier."""

    other = forms.CharField(widget=forms.HiddenInput, max_length=24,
                            error_messages={"required": _("请选择要合并的诉求。")})

    def clean_other(self):
        return self.cleaned_data["other"].strip().upper()


class LookupForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("受理编号"), max_length=24, strip=True,
        widget=forms.TextInput(attrs={"placeholder": "QT-20261122-000123", "autocapitalize": "characters"}),
        error_messages={"required": _("请输入受理编号。")},
    )
    mobile_last4 = forms.CharField(
        label=_("手机号后 4 位"), max_length=4, min_length=4, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        error_messages={"required": _("请输入手机号后 4 位。"), "min_length": _("请输入手机号后 4 位。")},
    )

    def clean_tracking_no(self):
        return self.cleaned_data["tracking_no"].upper()

    def clean_mobile_last4(self):
        value = self.cleaned_data["mobile_last4"]
        if not value.isdigit():
            raise forms.ValidationError(_("请输入手机号后 4 位数字。"))
        return value


class OtpSendForm(forms.Form):
    requester_mobile = forms.CharField(max_length=11, strip=True)

    def clean_requester_mobile(self):
        mobile = self.cleaned_data["requester_mobile"]
        if not is_valid_mobile(mobile):
            raise forms.ValidationError(_("请输入有效的 11 位手机号码。"))
        return mobile


# ---- Actions on a case ---------------------------------------------------------------------

class RateForm(forms.Form):
    level = forms.ChoiceField(label=_("满意度"), choices=Rating.Level.choices, widget=forms.RadioSelect,
                              error_messages={"required": _("请选择满意度。")})
    solved = forms.TypedChoiceField(
        label=_("问题是否解决"), choices=[("yes", _("已解决")), ("no", _("未解决"))], widget=forms.RadioSelect,
        coerce=lambda v: v == "yes", error_messages={"required": _("请选择问题是否解决。")},
    )
    comment = _text(_("评价内容"), required=False, rows=3)


class SupplyMaterialForm(forms.Form):
    note = _text(_("补充说明"), rows=3)
    attachments = MultipleFileField(label=_("补充材料(图片或 PDF)"))


class EmptyForm(forms.Form):
    """An action that needs nothing but the click (accept a transfer, confirm informed)."""


class ContactForm(forms.Form):
    note = _text(_("联系情况"), required=False, rows=2, placeholder=_("如:已电话联系诉求人,约定……"))


class NoteForm(forms.Form):
    note = _text(_("内部备注"), rows=2)


class ReasonForm(forms.Form):
    reason = _text(_("理由"), rows=2)


class TransferForm(forms.Form):
    to_org = forms.ChoiceField(label=_("转至单位"), error_messages={"required": _("请选择转至单位。"),
                                                                "invalid_choice": _("请选择转至单位。")})
    # Optional: the case's category corrected to one of the receiving organization's (a routing
    # label for the learning loop, as the API's ``category``).
    category = forms.ChoiceField(
        label=_("更正服务类别(选填)"), required=False,
        help_text=_("如原类别有误,请选择接收单位的服务类别;更正的类别将用于改进智能分派。"),
        error_messages={"invalid_choice": _("所选服务类别不存在。")},
    )
    reason = _text(_("转办理由"), rows=2)

    def __init__(self, *args, organizations=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in organizations}
        self.fields["to_org"].choices = [("", _("请选择"))] + [(pk, o.name) for pk, o in self.orgs.items()]
        self.categories = {c.code: c for c in categories}
        groups = [(o.name, [(c.code, c.name) for c in categories if c.org_code == o.code])
                  for o in self.orgs.values()]
        self.fields["category"].choices = [("", _("不更改"))] + [g for g in groups if g[1]]

    def clean_to_org(self):
        org = self.orgs.get(self.cleaned_data["to_org"])
        if org is None:
            raise forms.ValidationError(_("请选择转至单位。"))
        return org

    def clean_category(self):
        code = self.cleaned_data.get("category")
        return self.categories.get(code) if code else None

    def clean(self):
        data = super().clean()
        org, category = data.get("to_org"), data.get("category")
        if org is not None and category is not None and category.org_code != org.code:
            self.add_error("category", _("所选服务类别不属于接收单位,请重新选择。"))
        return data


class CohandlerForm(forms.Form):
    organization = forms.ChoiceField(label=_("协办单位"), error_messages={"required": _("请选择协办单位。"),
                                                                      "invalid_choice": _("请选择协办单位。")})
    task = _text(_("协办事项"), rows=2)
    days = forms.IntegerField(label=_("协办时限(工作日)"), min_value=1, max_value=30, initial=3,
                              error_messages={"required": _("请填写协办时限。"),
                                              "min_value": _("协办时限至少 1 个工作日。"),
                                              "max_value": _("协办时限不能超过 30 个工作日。"),
                                              "invalid": _("请填写整数。")})

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [("", _("请选择"))] + [(pk, o.name) for pk, o in self.orgs.items()]

    def clean_organization(self):
        org = self.orgs.get(self.cleaned_data["organization"])
        if org is None:
            raise forms.ValidationError(_("请选择协办单位。"))
        return org


class CohandlerReplyForm(forms.Form):
    cohandling = forms.IntegerField(widget=forms.HiddenInput)
    reply = _text(_("协办答复"), rows=3)


class MaterialRequestForm(forms.Form):
    materials = _text(_("需补充的材料(一次性告知)"), rows=3, placeholder=_("把需要补充的全部材料一次写清,每行一项"))


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30,
                              error_messages={"required": _("请填写延期天数。"),
                                              "min_value": _("延期至少 1 个工作日。"),
                                              "max_value": _("延期不能超过 30 个工作日。"),
                                              "invalid": _("请填写整数。")})
    reason = _text(_("延期理由"), rows=2)


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批意见"), choices=[("yes", _("批准")), ("no", _("驳回"))], widget=forms.RadioSelect,
        coerce=lambda v: v == "yes", error_messages={"required": _("请选择批准或驳回。")},
    )
    note = _text(_("审批说明"), required=False, rows=2)


class TransferOutForm(forms.Form):
    department = forms.CharField(label=_("政府部门"), max_length=100, strip=True,
                                 error_messages={"required": _("请填写转往的政府部门。"),
                                                 "max_length": _("部门名称不能超过 100 个字。")})
    note = _text(_("告知诉求人的说明"), rows=2)


class CloseForm(forms.Form):
    result = _text(_("办理结果(答复诉求人)"), max_length=CONTENT_MAX, rows=4)


class FollowupForm(forms.Form):
    followup = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("回访结果"), choices=FollowUp.Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("请选择回访结果。")})
    solved = forms.TypedChoiceField(
        label=_("问题是否解决"), choices=[("", _("未知")), ("yes", _("已解决")), ("no", _("未解决"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None, required=False,
    )
    note = _text(_("回访记录"), required=False, rows=2)


class StatsPeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _("请选择开始日期。"), "invalid": _("日期格式不正确。")})
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"required": _("请选择结束日期。"), "invalid": _("日期格式不正确。")})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("结束日期不能早于开始日期。"))
            if (end - start).days > 3660:
                raise forms.ValidationError(_("统计期间不能超过 10 年。"))
        return data


def transfer_categories_for(organizations):
    """The service categories of the organizations a case may be transferred to."""
    from quntuan.catalog.models import Category

    return list(Category.objects.filter(org_code__in={o.code for o in organizations}).order_by("code"))


def organization_choices_for_case(case):
    """Organizations of the case's district a case may be transferred or co-handled to."""
    return list(
        Organization.objects.filter(district_id=case.district_id, is_active=True)
        .exclude(kind=Organization.Kind.GOVERNMENT).exclude(pk=case.handling_org_id).order_by("id")
    )
