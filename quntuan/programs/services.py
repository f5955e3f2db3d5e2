"""State changes for plans, resident profiles and consent, target groups, targeted notices and
referrals. Keyword-only arguments, one transaction each; refusals raise ApplicationError with a
Chinese message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quntuan.accounts.models import Role, User
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from quntuan.notifications.models import Notification
from quntuan.notifications.services import notify
from quntuan.organizations.models import Organization, Region
from quntuan.programs import criteria as crit
from quntuan.programs.crypto import decrypt, encrypt, keyed_hash
from quntuan.programs.models import (
    ConsentRecord,
    FanoutShard,
    Notice,
    NoticeDelivery,
    Plan,
    PlanComment,
    ProgramRules,
    Purpose,
    Referral,
    ResidentProfile,
    SensitiveCategory,
    TargetGroup,
)
from quntuan.programs.policies import (
    RECEIVER_STATUSES,
    notice_policy,
    plan_policy,
    referral_policy,
    staff_org_ids,
    target_group_policy,
)

CHANNELS = ("inbox", "email", "sms")
OUTCOME_FIELDS = ("trained", "reemployed", "businesses_started", "jobs_created", "people_served")
BATCH_SIZE = 500
CAP_WINDOW = timedelta(days=7)


def local_tz():
    return ZoneInfo(settings.TIME_ZONE)


def rules_for(district_id: int) -> ProgramRules:
    rules = ProgramRules.objects.filter(district_id=district_id).first()
    return rules or ProgramRules(district_id=district_id)


def can_set_rules(user, district: Region) -> bool:
    """The district's supervisor (区督查人员 of that district) or the platform administrator."""
    from quntuan.activities.policies import is_platform_admin

    if is_platform_admin(user):
        return True
    return (getattr(user, "is_authenticated", False) and user.role == Role.SUPERVISOR
            and user.region_id == district.pk)


@transaction.atomic
def rules_update(*, actor, district: Region, weekly_cap: int, quiet_start, quiet_end,
                 policy_version: str) -> ProgramRules:
    """The district's targeted-notice rules: the weekly cap across all organizations, the quiet
    hours and the version of the personal-information rules new consents are recorded under."""
    if district is None or district.level != Region.Level.DISTRICT:
        raise ApplicationError(_("请选择一个区。"))
    if not can_set_rules(actor, district):
        raise PermissionDenied(_("只有本区督查人员或系统管理员可以修改精准推送规则。"))
    if isinstance(weekly_cap, bool) or not isinstance(weekly_cap, int) or not 1 <= weekly_cap <= 21:
        raise ApplicationError(_("每位居民每周最多推送条数应为 1 到 21 之间的整数。"))
    if quiet_start is None or quiet_end is None:
        raise ApplicationError(_("请填写免打扰的开始和结束时间。"))
    rules, _created = ProgramRules.objects.select_for_update().get_or_create(district=district)
    rules.weekly_cap, rules.quiet_start, rules.quiet_end = weekly_cap, quiet_start, quiet_end
    rules.policy_version = _text(policy_version, _("个人信息处理规则版本"), 20)
    rules.save()
    return rules


def _text(value, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("%(label)s不能为空。") % {"label": label})
    if len(value) > max_length:
        raise ApplicationError(_("%(label)s不能超过 %(n)s 个字符。") % {"label": label, "n": max_length})
    return value


# --- plans -------------------------------------------------------------------------------------


@dataclass
class PlanInput:
    title: str
    goal: str
    start_date: date
    end_date: date
    kind: str = Plan.Kind.OTHER
    audience: str = ""
    community: Region | None = None
    capacity: int | None = None
    budget_line: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    target_group: TargetGroup | None = None
    activities: tuple = ()
    services: tuple = ()


def _clean_plan(data: PlanInput, organization: Organization) -> dict:
    if data.start_date is None or data.end_date is None:
        raise ApplicationError(_("请填写计划的开始和结束日期。"))
    if data.end_date < data.start_date:
        raise ApplicationError(_("结束日期不能早于开始日期。"))
    if data.kind not in Plan.Kind.values:
        raise ApplicationError(_("计划类型无效。"))
    if data.capacity is not None and data.capacity <= 0:
        raise ApplicationError(_("计划人数应为正整数。"))
    if data.community is not None and (data.community.level != Region.Level.COMMUNITY
                                       or data.community.district_id != organization.district_id):
        raise ApplicationError(_("所选社区不在本区。"))
    if data.target_group is not None and data.target_group.district_id != organization.district_id:
        raise ApplicationError(_("所选目标人群不属于本区。"))
    for activity in data.activities:
        if activity.district_id != organization.district_id:
            raise ApplicationError(_("关联活动须为本区活动。"))
    for service in data.services:
        if service.organization.district_id != organization.district_id:
            raise ApplicationError(_("关联服务须为本区服务。"))
    return {
        "title": _text(data.title, _("计划名称"), 100), "goal": _text(data.goal, _("计划目标"), 2000),
        "kind": data.kind, "audience": data.audience or "", "community": data.community,
        "start_date": data.start_date, "end_date": data.end_date, "capacity": data.capacity,
        "budget_line": _text(data.budget_line, _("预算科目"), 100, required=False),
        "contact_name": _text(data.contact_name, _("联系人"), 32, required=False),
        "contact_phone": _text(data.contact_phone, _("联系电话"), 32, required=False),
        "target_group": data.target_group,
    }


@transaction.atomic
def plan_create(*, actor, organization: Organization, data: PlanInput) -> Plan:
    if not plan_policy.can_create(actor, organization):
        raise PermissionDenied(_("只有本组织工作人员可以发布本组织的计划。"))
    plan = Plan.objects.create(district_id=organization.district_id, organization=organization, created_by=actor,
                               **_clean_plan(data, organization))
    plan.activities.set(data.activities)
    plan.services.set(data.services)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, data: PlanInput) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan_policy.can_edit(actor, plan):
        raise PermissionDenied(_("只有发布该计划的组织可以修改它。"))
    for field, value in _clean_plan(data, plan.organization).items():
        setattr(plan, field, value)
    plan.save()
    plan.activities.set(data.activities)
    plan.services.set(data.services)
    return plan


@transaction.atomic
def plan_record_outcomes(*, actor, plan: Plan, outcomes: dict) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan_policy.can_edit(actor, plan):
        raise PermissionDenied(_("只有发布该计划的组织可以填报成效。"))
    unknown = set(outcomes) - set(OUTCOME_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的成效指标:%(names)s。") % {"names": "、".join(sorted(unknown))})
    for field, value in outcomes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ApplicationError(_("“%(label)s”应为不小于 0 的整数。")
                                   % {"label": Plan._meta.get_field(field).verbose_name})
        setattr(plan, field, value)
    plan.save(update_fields=[*outcomes, "updated_at"])
    return plan


@transaction.atomic
def plan_comment(*, actor, plan: Plan, organization: Organization, body: str,
                 kind: str = PlanComment.Kind.COMMENT) -> PlanComment:
    if not plan_policy.can_comment(actor, plan) or organization.pk not in staff_org_ids(actor):
        raise PermissionDenied(_("只有本区组织的工作人员可以留言。"))
    if kind not in PlanComment.Kind.values:
        raise ApplicationError(_("留言类型无效。"))
    if kind == PlanComment.Kind.COHOST and organization.pk == plan.organization_id:
        raise ApplicationError(_("发布组织不能申请协办自己的计划。"))
    comment = PlanComment.objects.create(plan=plan, organization=organization, author=actor, kind=kind,
                                         body=_text(body, _("留言内容"), 1000))
    if organization.pk != plan.organization_id and plan.created_by_id:
        what = "申请协办" if kind == PlanComment.Kind.COHOST else "留言"
        notify(user=plan.created_by, title=f"{organization.name}对计划“{plan.title}”{what}", body=comment.body,
               dedup_key=f"plan-comment:{comment.pk}", link=reverse("programs:plan_detail", args=[plan.pk]),
               channels=("inbox",))
    return comment


# --- resident profile and consent --------------------------------------------------------------


def profile_for(user: User) -> ResidentProfile:
    profile = ResidentProfile.objects.filter(user=user).first()
    if profile is None:
        profile, _created = ResidentProfile.objects.get_or_create(
            user=user, defaults={"district_id": user.region_id, "community_id": user.community_id})
    return profile


def _require_resident(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or user.role != Role.RESIDENT:
        raise PermissionDenied(_("仅居民本人可以操作。"))


PROFILE_FIELDS = ("birth_date", "gender", "employment_status", "worker_type", "union_member", "league_member",
                  "overseas", "community")


@transaction.atomic
def profile_update(*, resident: User, attributes: dict) -> ResidentProfile:
    """Set the resident's own attributes. Sensitive ones (disability_type, disability_grade,
    hardship) need the category's consent first and are stored encrypted."""
    _require_resident(resident)
    profile = ResidentProfile.objects.select_for_update().get(pk=profile_for(resident).pk)
    unknown = set(attributes) - set(PROFILE_FIELDS) - {"disability_type", "disability_grade", "hardship"}
    if unknown:
        raise ApplicationError(_("未知的属性:%(names)s。") % {"names": "、".join(sorted(unknown))})
    for name in PROFILE_FIELDS:
        if name not in attributes:
            continue
        value = attributes[name]
        field = ResidentProfile._meta.get_field(name)
        if name == "community":
            if value is not None and (value.level != Region.Level.COMMUNITY or value.district_id != resident.region_id):
                raise ApplicationError(_("所选社区不在您所在的区。"))
        elif name == "birth_date":
            if value is not None and (value > timezone.localdate() or value.year < 1900):
                raise ApplicationError(_("出生日期无效。"))
        elif field.choices and value not in ("", None) and value not in dict(field.choices):
            raise ApplicationError(_("“%(label)s”的取值无效。") % {"label": field.verbose_name})
        setattr(profile, name, value if value is not None or field.null else "")
    sensitive = _sensitive_values(profile)
    for name, category, allowed in (("disability_type", "disability", crit.DISABILITY_TYPES),
                                    ("disability_grade", "disability", crit.DISABILITY_GRADES),
                                    ("hardship", "hardship", crit.HARDSHIPS)):
        if name not in attributes:
            continue
        value = attributes[name] or ""
        if value and not getattr(profile, f"consent_{category}"):
            label = SensitiveCategory(category).label
            raise ApplicationError(_("请先单独同意使用您的%(label)s,再填写。") % {"label": label},
                                   code="consent_required")
        if value and value not in allowed:
            raise ApplicationError(_("“%(label)s”的取值无效。") % {"label": crit.ATTRIBUTES[name][0]})
        sensitive[name] = value
    _store_sensitive(profile, sensitive)
    profile.district_id = resident.region_id
    profile.save()
    return profile


SENSITIVE_FIELDS = {"disability": ("disability_type", "disability_grade"), "hardship": ("hardship",)}


@transaction.atomic
def profile_save(*, resident: User, attributes: dict, sensitive_consent: dict[str, bool]) -> ResidentProfile:
    """The resident's profile page in one step: grant or withdraw the separate consent for each
    sensitive category (``{"disability": bool, "hardship": bool}``), then set the attributes.
    A sensitive value without its category's consent is refused; withdrawing erases it."""
    _require_resident(resident)
    profile = profile_for(resident)
    unknown = set(sensitive_consent) - set(SENSITIVE_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的敏感信息类别:%(names)s。") % {"names": "、".join(sorted(unknown))})
    attributes = dict(attributes)
    for category, fields in SENSITIVE_FIELDS.items():
        if category not in sensitive_consent:
            continue
        wanted, held = bool(sensitive_consent[category]), getattr(profile, f"consent_{category}")
        if not wanted:
            filled = [f for f in fields if attributes.get(f)]
            if filled:
                label = SensitiveCategory(category).label
                raise ApplicationError(_("填写%(label)s须先勾选单独同意。") % {"label": label},
                                       code="consent_required")
            for f in fields:
                attributes.pop(f, None)
            if held:
                _consent(resident, [category], False, "profile")
        elif not held:
            _consent(resident, [category], True, "profile")
    return profile_update(resident=resident, attributes=attributes)


def _sensitive_values(profile: ResidentProfile) -> dict:
    return {**decrypt(profile.disability_cipher), **decrypt(profile.hardship_cipher)}


def _store_sensitive(profile: ResidentProfile, values: dict) -> None:
    disability = {k: values[k] for k in ("disability_type", "disability_grade") if values.get(k)}
    profile.disability_cipher = encrypt(disability)
    profile.disability_type_hmac = keyed_hash("disability_type", disability.get("disability_type", ""))
    profile.disability_grade_hmac = keyed_hash("disability_grade", disability.get("disability_grade", ""))
    hardship = values.get("hardship") or ""
    profile.hardship_cipher = encrypt({"hardship": hardship} if hardship else {})
    profile.hardship_hmac = keyed_hash("hardship", hardship)


def profile_sensitive(*, profile: ResidentProfile, viewer) -> dict:
    """Decrypted sensitive values for the resident themself; masked (“***”) for anyone else."""
    values = _sensitive_values(profile)
    if viewer is not None and viewer.pk == profile.user_id:
        return values
    return {k: "***" for k in values}


CONSENT_NAMES = {*Purpose.values, *SensitiveCategory.values}
CONSENT_LABELS = {**dict(Purpose.choices), **dict(SensitiveCategory.choices), "referral": "转介"}


def _local(moment: datetime) -> str:
    return moment.astimezone(local_tz()).strftime("%Y-%m-%d %H:%M")


def _consent(resident: User, purposes, grant: bool, source: str) -> ResidentProfile:
    _require_resident(resident)
    purposes = sorted(set(purposes or ()))
    if not purposes:
        raise ApplicationError(_("请至少选择一项用途或信息类别。"))
    unknown = set(purposes) - CONSENT_NAMES
    if unknown:
        raise ApplicationError(_("未知的授权用途:%(names)s。") % {"names": "、".join(sorted(unknown))})
    profile = ResidentProfile.objects.select_for_update().get(pk=profile_for(resident).pk)
    for name in purposes:
        setattr(profile, f"consent_{name}", grant)
    if not grant:  # withdrawing a sensitive category erases what was held under it, at once
        values = _sensitive_values(profile)
        if SensitiveCategory.DISABILITY in purposes:
            values.pop("disability_type", None)
            values.pop("disability_grade", None)
        if SensitiveCategory.HARDSHIP in purposes:
            values.pop("hardship", None)
        _store_sensitive(profile, values)
    profile.save()
    ConsentRecord.objects.create(
        resident=resident, action=ConsentRecord.Action.GRANT if grant else ConsentRecord.Action.WITHDRAW,
        purposes=purposes, policy_version=rules_for(resident.region_id).policy_version if resident.region_id
        else ProgramRules._meta.get_field("policy_version").default, source=source,
    )
    return profile


@transaction.atomic
def consent_grant(*, resident: User, purposes, source: str = "web") -> ResidentProfile:
    return _consent(resident, purposes, True, source)


@transaction.atomic
def consent_withdraw(*, resident: User, purposes, source: str = "web") -> ResidentProfile:
    """Takes effect at once: the next batch of any running fan-out no longer finds the resident."""
    return _consent(resident, purposes, False, source)


def resident_export(*, resident: User) -> dict:
    """Everything the programs app holds about the resident, for them to see and download. The
    export is a record in the platform's language (Chinese keys and labels), whatever language
    the page is shown in, so the downloaded file and the API keep one shape."""
    _require_resident(resident)
    with translation.override(settings.LANGUAGE_CODE):
        return _resident_export(resident)


def _resident_export(resident: User) -> dict:

    profile = profile_for(resident)
    return {
        "账户": {"姓名": resident.name, "手机号": resident.mobile, "电子邮箱": resident.email},
        "画像": {
            "出生日期": profile.birth_date.isoformat() if profile.birth_date else None,
            "性别": profile.get_gender_display() or None,
            "就业状态": profile.get_employment_status_display() or None,
            "新就业形态劳动者类型": profile.get_worker_type_display() or None,
            "工会会员": profile.union_member, "共青团员": profile.league_member,
            "归侨侨眷": profile.get_overseas_display() or None,
            "所在社区": profile.community.name if profile.community_id else None,
            **{str(crit.ATTRIBUTES[k][0]): str(crit.ATTRIBUTES[k][2].get(v, v))
               for k, v in _sensitive_values(profile).items()},
        },
        "当前授权": {str(label): getattr(profile, f"consent_{value}")
                 for value, label in [*Purpose.choices, *SensitiveCategory.choices]},
        "授权记录": [
            {"时间": _local(r.created_at), "操作": r.get_action_display(),
             "用途": [str(CONSENT_LABELS.get(p, p)) for p in r.purposes], "规则版本": r.policy_version}
            for r in ConsentRecord.objects.filter(resident=resident).order_by("created_at", "id")
        ],
        "收到的推送": [
            {"标题": d.notice.title, "组织": d.notice.organization.name, "时间": _local(d.created_at),
             "状态": d.get_status_display()}
            for d in NoticeDelivery.objects.filter(resident=resident).select_related("notice__organization")
        ],
        "转介": [
            {"转出组织": r.from_organization.name, "接收组织": r.to_organization.name, "原因": r.reason,
             "状态": r.get_status_display(), "时间": _local(r.created_at),
             "本人同意时间": _local(r.consented_at) if r.consented_at else None,
             "提供的敏感信息": [str(SensitiveCategory(c).label) for c in r.shared_categories]}
            for r in Referral.objects.filter(resident=resident).select_related("from_organization", "to_organization")
        ],
    }


# --- target groups and audiences ---------------------------------------------------------------


def audience_queryset(*, district_id: int, criteria: dict, purpose: str, today: date | None = None
                      ) -> QuerySet[ResidentProfile]:
    """Residents of the district who match and have consented to ``purpose``: one query."""
    if purpose not in Purpose.values:
        raise ApplicationError(_("推送类别无效。"))
    crit.validate(criteria)
    today = today or timezone.localdate()
    return ResidentProfile.objects.filter(
        crit.compile_q(criteria, today=today), district_id=district_id, user__is_active=True,
        **{f"consent_{purpose}": True},
    )


def audience_summary(*, district_id: int, criteria: dict, purpose: str, today: date | None = None) -> dict:
    """Counts only: total and per community. Never names."""
    qs = audience_queryset(district_id=district_id, criteria=criteria, purpose=purpose, today=today)
    rows = list(qs.order_by().values("community_id").annotate(n=Count("pk")))
    names = dict(Region.objects.filter(pk__in=[r["community_id"] for r in rows if r["community_id"]])
                 .values_list("pk", "name"))
    by_community = sorted(
        ({"community_id": r["community_id"], "community": names.get(r["community_id"], _("未填写社区")),
          "count": r["n"]}
         for r in rows), key=lambda r: (-r["count"], r["community"]))
    return {"total": sum(r["count"] for r in by_community), "by_community": by_community,
            "description": crit.describe(criteria)}


@transaction.atomic
def target_group_save(*, actor, organization: Organization, name: str, criteria: dict,
                      group: TargetGroup | None = None) -> TargetGroup:
    if organization.pk not in staff_org_ids(actor):
        raise PermissionDenied(_("只有本组织工作人员可以保存目标人群。"))
    crit.validate(criteria)
    name = _text(name, _("人群名称"), 64)
    if group is None:
        return TargetGroup.objects.create(district_id=organization.district_id, organization=organization,
                                          name=name, criteria=criteria, created_by=actor)
    if not target_group_policy.can_edit(actor, group):
        raise PermissionDenied(_("只有创建该人群的组织可以修改它。"))
    group.name, group.criteria = name, criteria
    group.save()
    return group


# --- notices -----------------------------------------------------------------------------------


@transaction.atomic
def notice_create(*, actor, organization: Organization, title: str, body: str, purpose: str,
                  target_group: TargetGroup | None = None, criteria: dict | None = None, plan: Plan | None = None,
                  activity=None, course=None, service=None, channels=("inbox",)) -> Notice:
    """A draft notice. Residents may sign up from it into at most one of ``activity`` (a district
    activity), ``course`` (a training course of this organization) or ``service`` (an active
    catalogue service of the district: the sign-up opens a case)."""
    if organization.pk not in staff_org_ids(actor):
        raise PermissionDenied(_("只有本组织工作人员可以发起推送。"))
    if purpose not in Purpose.values:
        raise ApplicationError(_("推送类别无效,可选:%(names)s。") % {"names": "、".join(str(x) for x in Purpose.labels)})
    channels = [c for c in CHANNELS if c in set(channels or ())]
    if not channels or set(channels or ()) - set(CHANNELS):
        raise ApplicationError(_("请选择推送渠道(站内消息、电子邮件或短信)。"))
    if target_group is not None:
        if target_group.district_id != organization.district_id:
            raise ApplicationError(_("所选目标人群不属于本区。"))
        criteria = target_group.criteria
    if not criteria:
        raise ApplicationError(_("请选择目标人群或填写筛选条件。"), code="invalid_criteria")
    crit.validate(criteria)
    if plan is not None and plan.organization_id != organization.pk:
        raise ApplicationError(_("只能为本组织的计划发起推送。"))
    if sum(x is not None for x in (activity, course, service)) > 1:
        raise ApplicationError(_("报名对象只能选一项:活动、培训课程或服务。"))
    if activity is not None and activity.district_id != organization.district_id:
        raise ApplicationError(_("报名活动须为本区活动。"))
    if course is not None and course.organization_id != organization.pk:
        raise ApplicationError(_("只能邀请报名本组织的培训课程。"))
    if service is not None and (not service.is_active or service.organization.district_id != organization.district_id):
        raise ApplicationError(_("所选服务不存在或不属于本区。"))
    return Notice.objects.create(
        district_id=organization.district_id, organization=organization, title=_text(title, _("标题"), 100),
        body=_text(body, _("内容"), 2000), purpose=purpose, criteria=criteria, target_group=target_group,
        plan=plan, activity=activity, course=course, service=service, channels=channels, created_by=actor,
    )


def quiet_until(*, district_id: int, now: datetime) -> datetime | None:
    """The end of the quiet hours if ``now`` falls within them, else None."""
    rules = rules_for(district_id)
    local = now.astimezone(local_tz())
    start, end, t = rules.quiet_start, rules.quiet_end, local.time()
    if start == end:
        return None
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() + timedelta(days=1) if (start > end and t >= start) else local.date()
    return datetime.combine(day, end, tzinfo=local_tz())


@transaction.atomic
def notice_publish(*, actor, notice: Notice, now: datetime | None = None) -> Notice:
    from quntuan.programs import tasks

    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice_policy.can_manage(actor, notice):
        raise PermissionDenied(_("只有本组织工作人员可以发布该推送。"))
    if notice.status != Notice.Status.DRAFT:
        raise Conflict(_("该推送已发布,不能重复发布。"))
    size = audience_queryset(district_id=notice.district_id, criteria=notice.criteria,
                             purpose=notice.purpose).count()
    if size == 0:
        raise ApplicationError(_("没有符合条件且同意接收此类推送的居民,无法发布。"), code="no_audience")
    notice.status, notice.audience_size, notice.published_at = Notice.Status.SENDING, size, now
    notice.not_before = quiet_until(district_id=notice.district_id, now=now)
    notice.save()
    _make_shards(notice)
    notice_id = notice.pk
    transaction.on_commit(lambda: tasks.notice_fanout.delay(notice_id), robust=True)
    return notice


def notice_link(notice: Notice) -> str:
    return reverse("programs:notice_view", args=[notice.pk])


SHARD_SIZE = 50_000
MAX_SHARDS = 32


def _make_shards(notice: Notice) -> list[FanoutShard]:
    """Split the district's profile ids into ranges of about SHARD_SIZE targeted residents."""
    bounds = ResidentProfile.objects.filter(district_id=notice.district_id).aggregate(lo=Min("pk"), hi=Max("pk"))
    count = min(MAX_SHARDS, max(1, -(-notice.audience_size // SHARD_SIZE)))
    lo, hi = bounds["lo"] or 0, (bounds["hi"] or 0) + 1
    step = max(1, -(-(hi - lo) // count))
    edges = [lo + i * step for i in range(count)]
    return FanoutShard.objects.bulk_create([
        FanoutShard(notice=notice, start_pk=0 if i == 0 else edge, end_pk=None if i == count - 1 else edges[i + 1])
        for i, edge in enumerate(edges)])


def notice_fanout_batch(*, shard_id: int, batch_size: int = BATCH_SIZE, now: datetime | None = None) -> str:
    """Deliver the next batch of one shard. Returns "more", "done", "wait" (quiet hours) or
    "stopped".

    The shard row is locked for the batch, so its batches never overlap; the deliveries, the inbox
    messages and the cursor commit together, and a delivery row is unique per (notice, resident):
    a crashed worker loses the whole batch and the next run redoes it, a retry sends nothing twice.
    Consent is read in the same query, so a withdrawal stops every later batch at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        shard = FanoutShard.objects.select_for_update().select_related("notice").filter(pk=shard_id).first()
        if shard is None or shard.done or shard.notice.status != Notice.Status.SENDING:
            return "stopped"
        notice = shard.notice
        if notice.not_before and now < notice.not_before:
            return "wait"
        audience = audience_queryset(district_id=notice.district_id, criteria=notice.criteria,
                                     purpose=notice.purpose, today=now.astimezone(local_tz()).date())
        audience = audience.filter(pk__gt=max(shard.cursor, shard.start_pk - 1))
        if shard.end_pk is not None:
            audience = audience.filter(pk__lt=shard.end_pk)
        rows = list(audience.order_by("pk").values_list("pk", "user_id")[:batch_size])
        if not rows:
            shard.done = True
            shard.save(update_fields=["done", "updated_at"])
            if not FanoutShard.objects.filter(notice=notice, done=False).exists():
                Notice.objects.filter(pk=notice.pk, status=Notice.Status.SENDING).update(
                    status=Notice.Status.DONE, finished_at=now, updated_at=now)
            return "done"
        cursor = rows[-1][0]
        # Lock the residents' profiles so that a concurrent fan-out of another notice sees this
        # batch's deliveries when it applies the weekly cap. The consent is checked again under
        # the lock: a withdrawal that committed after the audience query still wins.
        still = set(ResidentProfile.objects.select_for_update().filter(
            pk__in=[pk for pk, _ in rows], **{f"consent_{notice.purpose}": True}).order_by("pk")
            .values_list("pk", flat=True))
        user_ids = [user_id for pk, user_id in rows if pk in still]
        done = set(NoticeDelivery.objects.filter(notice=notice, resident_id__in=user_ids)
                   .values_list("resident_id", flat=True))
        recent = dict(
            NoticeDelivery.objects.filter(resident_id__in=user_ids, status=NoticeDelivery.Status.SENT,
                                          created_at__gte=now - CAP_WINDOW)
            .exclude(notice=notice).order_by().values("resident_id").annotate(n=Count("pk"))
            .values_list("resident_id", "n")
        )
        cap = rules_for(notice.district_id).weekly_cap
        new = [NoticeDelivery(notice=notice, resident_id=uid, created_at=now,
                              status=NoticeDelivery.Status.CAPPED if recent.get(uid, 0) >= cap
                              else NoticeDelivery.Status.SENT)
               for uid in user_ids if uid not in done]
        NoticeDelivery.objects.bulk_create(new)
        send_to = [d.resident_id for d in new if d.status == NoticeDelivery.Status.SENT]
        _deliver(notice, send_to)
        shard.cursor = cursor
        shard.save(update_fields=["cursor", "updated_at"])
        Notice.objects.filter(pk=notice.pk).update(updated_at=now)
    return "more"


def _deliver(notice: Notice, user_ids: list[int]) -> None:
    """The in-app messages in one insert (the same rows and dedup keys ``notify`` writes), then
    e-mail and SMS through ``notify`` one resident at a time."""
    link = notice_link(notice)
    key = f"notice:{notice.pk}:"
    if "inbox" in notice.channels:
        Notification.objects.bulk_create(
            [Notification(user_id=uid, title=notice.title[:128], body=notice.body, link=link, dedup_key=f"{key}{uid}",
                          created_at=timezone.now()) for uid in user_ids],
            ignore_conflicts=True)
    outbound = tuple(c for c in notice.channels if c != "inbox")
    if outbound:
        for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
            notify(user=user, title=notice.title, body=notice.body, link=link, dedup_key=f"{key}{user.pk}",
                   channels=outbound)


def notice_progress(*, notice: Notice) -> dict:
    counts = notice.deliveries.aggregate(
        processed=Count("pk"),
        delivered=Count("pk", filter=Q(status=NoticeDelivery.Status.SENT)),
        capped=Count("pk", filter=Q(status=NoticeDelivery.Status.CAPPED)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        signed_up=Count("pk", filter=Q(signed_up_at__isnull=False)),
    )
    total = max(notice.audience_size, counts["processed"])
    percent = 100 if notice.status == Notice.Status.DONE else (counts["processed"] * 100 // total if total else 0)
    return {"status": notice.status, "status_label": notice.get_status_display(), "audience_size": notice.audience_size,
            "percent": percent, **counts}


def _delivery_for(resident, notice: Notice) -> NoticeDelivery:
    delivery = NoticeDelivery.objects.filter(notice=notice, resident=resident,
                                             status=NoticeDelivery.Status.SENT).first()
    if delivery is None:
        raise NotFound(_("未找到该推送。"))
    return delivery


@transaction.atomic
def notice_open(*, resident, notice: Notice, now: datetime | None = None) -> NoticeDelivery:
    delivery = _delivery_for(resident, notice)
    if delivery.opened_at is None:
        delivery.opened_at = now or timezone.now()
        delivery.save(update_fields=["opened_at"])
    return delivery


def signup_target(notice: Notice) -> tuple[str, object] | None:
    """("activity" | "course" | "service", the row) residents sign up for, or None."""
    for kind in ("activity", "course", "service"):
        if getattr(notice, f"{kind}_id"):
            return kind, getattr(notice, kind)
    return None


@transaction.atomic
def notice_signup(*, resident, notice: Notice, now: datetime | None = None):
    """Sign up from the notice into its activity (the activities app's registration), its
    training course (the volunteers app's enrolment) or its service (a case through the cases
    intake, so the service's organization handles it under the usual time limits). Counts as the
    notice's sign-up; once per resident and notice."""
    delivery = _delivery_for(resident, notice)
    delivery = NoticeDelivery.objects.select_for_update().get(pk=delivery.pk)
    target = signup_target(notice)
    if target is None:
        raise ApplicationError(_("该推送没有可报名的项目,请按推送中的联系方式咨询。"))
    if delivery.signed_up_at is not None:
        raise Conflict(_("您已通过这条推送报名,无需重复报名。"))
    kind, row = target
    if kind == "activity":
        from quntuan.activities.services import registration_create

        made = registration_create(resident=resident, activity=row, now=now)
        ref = f"activity:{made.pk}"
    elif kind == "course":
        made = _course_enroll(resident, notice, row)
        ref = f"course:{made.pk}"
    else:
        made = _service_request(resident, notice, row)
        ref = made.tracking_no
    now = now or timezone.now()
    delivery.signed_up_at = now
    delivery.opened_at = delivery.opened_at or now
    delivery.signup_ref = ref
    delivery.save(update_fields=["signed_up_at", "opened_at", "signup_ref"])
    return made


def _course_enroll(resident, notice: Notice, course):
    """The resident enrols themself; the notice may only link a course of its own organization
    (checked when the notice was made)."""
    from quntuan.volunteers.services import enrollment_self

    return enrollment_self(trainee=resident, course=course)


def _service_request(resident, notice: Notice, service):
    """A service request: a case for the service's organization, submitted by the resident."""
    from quntuan.cases.models import Channel
    from quntuan.cases.services import case_submit

    return case_submit(
        district=notice.district, title=f"申请服务:{service.name}"[:100],
        content=f"通过推送“{notice.title}”({notice.organization.name})申请办理“{service.name}”。",
        requester=resident, requester_name=resident.name, requester_mobile=resident.mobile,
        requester_email=resident.email or "", channel=Channel.WEB, service=service,
        community=resident.community if resident.community_id else None,
        idempotency_key=f"notice-{notice.pk}-{resident.pk}",
    )


@transaction.atomic
def unsubscribe(*, resident, purpose: str) -> ResidentProfile:
    """Stop one kind of notice: recorded as a withdrawal of that purpose."""
    if purpose not in Purpose.values:
        raise ApplicationError(_("推送类别无效。"))
    return _consent(resident, [purpose], False, "unsubscribe")


# --- referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, actor, from_organization: Organization, resident: User, reason: str,
                    plan: Plan | None = None, service=None) -> Referral:
    """Propose a referral. The resident is asked in their inbox and on “我的信息与授权”; the
    receiving organization sees nothing until they agree (``referral_consent``)."""
    if from_organization.pk not in staff_org_ids(actor):
        raise PermissionDenied(_("只有本组织工作人员可以发起转介。"))
    if resident is None or resident.role != Role.RESIDENT or resident.region_id != from_organization.district_id:
        raise ApplicationError(_("未找到本区的该居民。"))
    if (plan is None) == (service is None):
        raise ApplicationError(_("请选择转介到的计划或服务(二选一)。"))
    target_org = plan.organization if plan is not None else service.organization
    if target_org.district_id != from_organization.district_id:
        raise ApplicationError(_("只能转介到本区组织的计划或服务。"))
    if target_org.pk == from_organization.pk:
        raise ApplicationError(_("不能转介给本组织。"))
    open_statuses = (Referral.Status.AWAITING_CONSENT, Referral.Status.PENDING, Referral.Status.ACCEPTED)
    if Referral.objects.filter(resident=resident, to_organization=target_org, plan=plan, service=service,
                               status__in=open_statuses).exists():
        raise Conflict(_("该居民已有一条转介到同一计划或服务、尚未办结的转介。"))
    referral = Referral.objects.create(
        district_id=from_organization.district_id, resident=resident, from_organization=from_organization,
        to_organization=target_org, plan=plan, service=service, reason=_text(reason, _("转介原因"), 1000),
        created_by=actor,
    )
    notify(user=resident, title=f"{from_organization.name}想把您转介至{target_org.name},请确认",
           body=f"转介原因:{referral.reason}\n您同意后,接收组织才能看到您的姓名、手机号和转介原因。",
           link=reverse("programs:my_referral", args=[referral.pk]),
           dedup_key=f"referral:{referral.pk}:created", channels=("inbox",))
    return referral


@transaction.atomic
def referral_consent(*, resident: User, referral: Referral, agree: bool, share=(),
                     now: datetime | None = None) -> Referral:
    """The resident agrees to (or refuses) a proposed referral, or withdraws an agreement while the
    referral is still open. Agreeing records a consent for the purpose “转介” with the policy
    version and lets the receiving organization see the referral; ``share`` names the sensitive
    categories (disability, hardship) it may also see. Withdrawing takes it out of the receiving
    organization's sight at once."""
    _require_resident(resident)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.resident_id != resident.pk:
        raise NotFound(_("未找到该转介。"))
    now = now or timezone.now()
    share = sorted(set(share or ()))
    unknown = set(share) - set(SensitiveCategory.values)
    if unknown:
        raise ApplicationError(_("未知的敏感信息类别:%(names)s。") % {"names": "、".join(sorted(unknown))})
    profile = profile_for(resident)
    for category in share:
        if not getattr(profile, f"consent_{category}"):
            label = SensitiveCategory(category).label
            raise ApplicationError(_("您尚未同意平台使用您的%(label)s,不能提供给接收组织。") % {"label": label},
                                   code="consent_required")
    version = rules_for(referral.district_id).policy_version
    if referral.status == Referral.Status.AWAITING_CONSENT:
        if agree:
            referral.status, referral.consented_at, referral.shared_categories = Referral.Status.PENDING, now, share
            ConsentRecord.objects.create(resident=resident, action=ConsentRecord.Action.GRANT,
                                         purposes=["referral", *share], policy_version=version,
                                         source=f"referral:{referral.pk}", created_at=now)
        else:
            referral.status = Referral.Status.REFUSED
    elif referral.status in (Referral.Status.PENDING, Referral.Status.ACCEPTED) and not agree:
        referral.status, referral.shared_categories = Referral.Status.WITHDRAWN, []
        ConsentRecord.objects.create(resident=resident, action=ConsentRecord.Action.WITHDRAW,
                                     purposes=["referral"], policy_version=version,
                                     source=f"referral:{referral.pk}", created_at=now)
    else:
        raise Conflict(_("该转介当前为“%(status)s”,不能再改变您的选择。") % {"status": referral.get_status_display()})
    referral.save()
    if referral.created_by_id:
        what = {Referral.Status.PENDING: "已同意", Referral.Status.REFUSED: "不同意",
                Referral.Status.WITHDRAWN: "已撤回同意"}[referral.status]
        notify(user=referral.created_by, title=f"居民{what}转介至{referral.to_organization.name}",
               body=referral.reason, link=reverse("programs:referral_detail", args=[referral.pk]),
               dedup_key=f"referral:{referral.pk}:{referral.status}", channels=("inbox",))
    return referral


def referral_resident_view(*, referral: Referral, viewer) -> dict:
    """What a staff screen shows of the referred resident. The receiving organization, once the
    resident agreed, sees the full mobile number and the sensitive categories the resident chose
    to share; everyone else sees the mobile masked and every sensitive category as “***”, whether
    or not anything is held (so the mask reveals nothing either)."""
    from quntuan.programs.queries import mask_mobile

    resident = referral.resident
    receiving = (referral.to_organization_id in staff_org_ids(viewer)
                 and referral.status in RECEIVER_STATUSES)
    values = _sensitive_values(profile_for(resident)) if receiving and referral.shared_categories else {}
    rows = []
    for category, fields in SENSITIVE_FIELDS.items():
        shown = receiving and category in referral.shared_categories
        text = "、".join(str(crit.ATTRIBUTES[f][2].get(values[f], values[f])) for f in fields if values.get(f)) or _("未填写")

        rows.append({"category": category, "label": SensitiveCategory(category).label,
                     "value": text if shown else "***", "shared": shown})
    return {"name": resident.name, "mobile": resident.mobile if receiving else mask_mobile(resident.mobile),
            "sensitive": rows}


@transaction.atomic
def referral_decide(*, actor, referral: Referral, status: str, outcome: str = "") -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral_policy.can_decide(actor, referral):
        raise PermissionDenied(_("只有接收组织可以处理该转介。"))
    allowed = {
        Referral.Status.PENDING: {Referral.Status.ACCEPTED, Referral.Status.DECLINED},
        Referral.Status.ACCEPTED: {Referral.Status.COMPLETED},
    }.get(referral.status, set())
    if status not in allowed:
        raise Conflict(_("该转介当前为“%(status)s”,不能改为该状态。") % {"status": referral.get_status_display()})
    if status in {Referral.Status.DECLINED, Referral.Status.COMPLETED} and not (outcome or "").strip():
        raise ApplicationError(_("请填写办理结果或退回原因。"))
    referral.status, referral.decided_by = status, actor
    if outcome:
        referral.outcome = _text(outcome, _("办理结果"), 1000)
    referral.save()
    with translation.override(settings.LANGUAGE_CODE):  # the resident's inbox, not the handler's language
        status_label = referral.get_status_display()
    notify(user=referral.resident, title=f"您的转介{status_label}",

           body=referral.outcome or referral.to_organization.name,
           dedup_key=f"referral:{referral.pk}:{status}", channels=("inbox",))
    return referral
