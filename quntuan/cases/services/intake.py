"""Intake: a new case from the web form, the mobile site, a phone call or a walk-in."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.models import Case, CaseEvent, CaseStatus, Channel, TrackingSequence
from quntuan.cases.queries import clue_text
from quntuan.cases.services._common import (
    build_event,
    case_deadline_fields,
    clean_text,
    first_contact_due,
    notify_requester,
    record_event,
    rules_for,
    work_calendar,
)
from quntuan.catalog.models import Category, Service, TimeLimitClass
from quntuan.core.exceptions import ApplicationError, Conflict
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Membership, Region, Workstation
from quntuan.routing.services import clues_to_store

STAFF_CHANNELS = {Channel.PHONE, Channel.WALK_IN}


# --- tracking number -------------------------------------------------------------------------------
# On PostgreSQL the number comes from a sequence (nextval is not transactional, so no submission
# waits for another's commit); the day's row in TrackingSequence holds the sequence value the day
# started from ("last" is that base there), so the day's part counts from 000001 and stays unique
# within the day. A rolled-back submission leaves a gap. SQLite keeps a counter per day in the
# same row ("last" is the last number given): it serializes writes anyway.
TRACKING_SEQUENCE = "cases_tracking_no_seq"


def next_tracking_no(day) -> str:
    """QT-YYYYMMDD-NNNNNN, unique; consecutive within a day unless a submission was rolled back."""
    table = connection.ops.quote_name(TrackingSequence._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            number = _tracking_number_postgresql(cursor, table, day)
        else:
            cursor.execute(
                f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - table name from the model
                f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [day],
            )
            (number,) = cursor.fetchone()
    return f"QT-{day:%Y%m%d}-{number:06d}"


def _tracking_number_postgresql(cursor, table: str, day) -> int:
    """One statement once the day has its base row. The first submission of a day inserts the
    row with the sequence's current position, which every later nextval exceeds; submissions
    racing it wait for that insert to commit (only then), and all of the day use one base."""
    take = f"SELECT nextval('{TRACKING_SEQUENCE}') - last FROM {table} WHERE day = %s"  # noqa: S608
    cursor.execute(take, [day])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            f"INSERT INTO {table} (day, last) "  # noqa: S608 - names from the model and a constant
            f"SELECT %s, CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {TRACKING_SEQUENCE} "
            "ON CONFLICT (day) DO NOTHING",
            [day],
        )
        cursor.execute(take, [day])
        row = cursor.fetchone()
    return row[0]


# --- resolving the inputs ----------------------------------------------------------------------------
def _resolve_service(service, district: Region) -> Service | None:
    if service in (None, ""):
        return None
    if not isinstance(service, Service):
        try:
            service = Service.objects.select_related("organization").get(pk=int(service))
        except (Service.DoesNotExist, TypeError, ValueError):
            raise ApplicationError(_("所选服务事项不存在或已停用。"), code="unknown_service") from None
    if not service.is_active or service.organization.district_id != district.pk or not service.organization.is_active:
        raise ApplicationError(_("所选服务事项不存在或已停用。"), code="unknown_service")
    return service


def _resolve_category(category, service: Service | None) -> Category | None:
    if category in (None, ""):
        return service.category if service else None
    if isinstance(category, Category):
        return category
    lookup = {"pk": int(category)} if str(category).isdigit() else {"code": str(category)}
    try:
        return Category.objects.get(**lookup)
    except Category.DoesNotExist:
        raise ApplicationError(_("所选服务类别不存在。"), code="unknown_category") from None


def _check_district(district) -> Region:
    if not isinstance(district, Region) or district.level != Region.Level.DISTRICT:
        raise ApplicationError(_("请选择诉求所属的区。"), code="invalid")
    return district


def _check_community(community, district: Region) -> Region | None:
    if community is None:
        return None
    if community.district_id != district.pk:
        raise ApplicationError(_("所选社区不属于本区。"), code="invalid")
    return community


def _on_duty(qs):
    return (
        qs.filter(is_on_duty_receiver=True, user__is_active=True, organization__is_active=True)
        .select_related("user", "organization")
        .order_by("id")
        .first()
    )


def _online_first_inquirer(*, district, service, organization, community) -> Membership:
    """The on-duty receiver of the chosen service's organization, else of the chosen
    organization, else of the community's workstation, else anyone on duty in the district."""
    candidates = []
    if service is not None:
        candidates.append(Membership.objects.filter(organization=service.organization))
    if organization is not None:
        candidates.append(Membership.objects.filter(organization=organization, organization__district=district))
    if community is not None:
        candidates.append(Membership.objects.filter(workstation__community=community,
                                                    organization__district=district))
    candidates.append(Membership.objects.filter(organization__district=district))
    for qs in candidates:
        membership = _on_duty(qs)
        if membership is not None:
            return membership
    raise ApplicationError(
        _("本区暂无值班受理人员,诉求无法在线提交,请拨打服务电话或到群团工作站办理。"), code="no_receiver", status=503
    )


def _staff_first_inquirer(*, received_by, received_org, district) -> Membership:
    memberships = Membership.objects.filter(
        user=received_by, organization__district=district, organization__is_active=True
    ).select_related("organization")
    if received_org is not None:
        memberships = memberships.filter(organization=received_org)
    found = list(memberships[:2])
    if not found:
        raise ApplicationError(_("受理人不是本区该单位的工作人员。"), code="forbidden", status=403)
    if len({m.organization_id for m in found}) > 1:
        raise ApplicationError(_("您在多个单位任职,请选择受理单位。"), code="choose_org")
    return found[0]


def _check_requester(*, requester_name, requester_mobile, requester_email):
    name = clean_text(requester_name, _("诉求人姓名"), max_length=64)
    mobile = (requester_mobile or "").strip()
    if not is_valid_mobile(mobile):
        raise ApplicationError(_("请填写正确的 11 位手机号码。"), code="invalid_mobile")
    email = (requester_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApplicationError(_("电子邮箱格式不正确。"), code="invalid_email") from None
    return name, mobile, email


def _existing_for_key(idempotency_key: str, mobile: str) -> Case | None:
    case = Case.objects.filter(idempotency_key=idempotency_key).first()
    if case is not None and case.requester_mobile != mobile:
        raise Conflict(_("该提交标识已被使用,请刷新页面后重新提交。"))
    return case


# --- the service -------------------------------------------------------------------------------------
def case_submit(**kwargs) -> Case:
    """A new case (see ``_case_submit`` for the arguments). The same idempotency key again
    returns the case it made; when two submissions with one key race, the loser's insert fails
    on the unique key and it returns the winner's case. Called outside a transaction, the
    submission is one transaction without savepoints, and the loser looks the winner up after
    its rollback; inside one, the submission runs in a savepoint as any nested atomic block."""
    key = kwargs.get("idempotency_key")
    try:
        return _case_submit(**kwargs)
    except IntegrityError:
        key = (key or "").strip() or None
        if key is not None:
            existing = _existing_for_key(key, (kwargs.get("requester_mobile") or "").strip())
            if existing is not None:
                return existing
        raise


@transaction.atomic
def _case_submit(*, district, title, content, requester_name, requester_mobile, channel,
                requester=None, requester_email="", service=None, category=None, organization=None,
                community=None, address="", is_urgent=False, attachments=(), idempotency_key=None,
                received_by=None, received_org=None, workstation=None, missing_materials="",
                suggested=None) -> Case:
    """``suggested``: at staff intake, the first routing suggestion the page showed (a Category
    or its code; unknown codes count as none), recorded with the category's routing label."""
    district = _check_district(district)
    title = clean_text(title, _("标题"), max_length=100)
    content = clean_text(content, _("诉求内容"))
    address = clean_text(address, _("地点"), max_length=200, required=False)
    missing_materials = clean_text(missing_materials, _("需补充材料"), required=False)
    name, mobile, email = _check_requester(
        requester_name=requester_name, requester_mobile=requester_mobile, requester_email=requester_email
    )
    if channel not in Channel.values:
        raise ApplicationError(_("受理渠道不正确。"), code="invalid")
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > 64:
            raise ApplicationError(_("提交标识过长。"), code="invalid")
        existing = _existing_for_key(key, mobile)
        if existing is not None:
            return existing
    service = _resolve_service(service, district)
    category = _resolve_category(category, service)
    community = _check_community(community, district)
    if organization is not None and (organization.district_id != district.pk or not organization.is_active):
        raise ApplicationError(_("所选单位不存在或不属于本区。"), code="invalid")
    attachments = list(attachments or ())
    if len(attachments) > settings.ATTACHMENT_MAX_COUNT:
        raise ApplicationError(_("附件最多 %(n)s 个。") % {"n": settings.ATTACHMENT_MAX_COUNT}, code="too_many_files")

    if received_by is not None:
        membership = _staff_first_inquirer(received_by=received_by, received_org=received_org, district=district)
        if workstation is None:
            workstation = membership.workstation
    else:
        if channel in STAFF_CHANNELS:
            raise ApplicationError(_("电话和现场诉求须由工作人员登记。"), code="invalid")
        membership = _online_first_inquirer(
            district=district, service=service, organization=organization, community=community
        )
    if workstation is None and community is not None:
        workstation = Workstation.objects.filter(community=community).first()

    fields = dict(
        district=district, community=community, workstation=workstation, channel=channel,
        requester=requester if getattr(requester, "pk", None) else None,
        requester_name=name, requester_mobile=mobile, requester_email=email,
        service=service, category=category, title=title, content=content, address=address,
        is_urgent=bool(is_urgent), missing_materials=missing_materials,
        time_limit_class=service.time_limit_class if service else TimeLimitClass.HELP,
        first_inquirer=membership.user, first_inquirer_org=membership.organization,
        handling_org=membership.organization, idempotency_key=key,
    )
    case = _create_case(fields, received_by=received_by, membership=membership, attachments=attachments)
    if received_by is not None and category is not None and getattr(case, "just_created", False):
        # the category a staff member registered is a label: the first suggestion accepted, another
        # category chosen instead (the model was wrong) or no suggestion shown
        from quntuan.routing.services import intake_label_source, routing_label_record

        suggested = _shown_suggestion(suggested)
        routing_label_record(actor=received_by, case=case, category=category, suggested=suggested,
                             source=intake_label_source(category=category, suggested=suggested))
    return case


def _shown_suggestion(suggested) -> Category | None:
    if suggested in (None, "") or isinstance(suggested, Category):
        return suggested or None
    return Category.objects.filter(code=str(suggested)[:40]).first()


def _create_case(fields: dict, *, received_by, membership: Membership, attachments) -> Case:
    from quntuan.cases.services.attachments import attachment_check, attachment_save

    checked = [attachment_check(f) for f in attachments]
    now = timezone.now()
    received = timezone.localdate(now)
    rules = rules_for(fields["district"])
    cal = work_calendar(received)
    staff_entry = received_by is not None
    case = Case(
        **fields,
        # the duplicate check reads these instead of segmenting the case each time it is a candidate
        clues=clues_to_store(clue_text(fields["title"], fields["content"])),
        tracking_no=next_tracking_no(received),
        received_at=now,
        first_contact_due_at=first_contact_due(rules=rules, received_at=now, is_urgent=fields["is_urgent"], cal=cal),
        **case_deadline_fields(rules=rules, time_limit_class=fields["time_limit_class"], start=received, cal=cal),
    )
    if staff_entry:
        # Taking a phone call or a walk-in is the first contact.
        case.status = CaseStatus.IN_PROGRESS
        case.handler = received_by
        case.contacted_at = now
    case.save()
    case.just_created = True  # this call made it (a replayed key returns an older case without it)
    org = membership.organization
    events = []
    if not staff_entry:
        events.append(build_event(case, CaseEvent.Kind.SUBMITTED, actor=case.requester, at=now,
                                  data={"channel": case.channel}))
    events.append(build_event(case, CaseEvent.Kind.RECEIVED, actor=received_by, organization=org, at=now,
                              data={"first_inquirer": membership.user_id, "channel": case.channel}))
    if staff_entry:
        events.append(build_event(case, CaseEvent.Kind.CONTACTED, actor=received_by, organization=org, at=now,
                                  note=_("电话或现场受理时已与诉求人联系。")))
    receipt = case_receipt(case)
    if checked:
        CaseEvent.objects.bulk_create(events)
        for upload, content_type, size in checked:
            attachment_save(case=case, actor=case.requester or received_by, uploaded_file=upload,
                            content_type=content_type, size=size)
        event = record_event(case, CaseEvent.Kind.RECEIPT_SENT, actor=received_by, organization=org, data=receipt)
    else:
        # One INSERT for the day's events (their ids come back in order on PostgreSQL and SQLite).
        event = build_event(case, CaseEvent.Kind.RECEIPT_SENT, actor=received_by, organization=org, data=receipt)
        CaseEvent.objects.bulk_create([*events, event])
    notify_requester(case, event, title=_("您的诉求已受理:%(no)s") % {"no": case.tracking_no},
                     body=receipt_text(receipt))
    return case


def case_receipt(case: Case) -> dict:
    """What the requester is given on receipt (首问负责制): tracking number, first inquirer's
    name and contact, the promised date and everything still missing, in one go."""
    org = case.first_inquirer_org
    inquirer = case.first_inquirer
    contact = org.phone or (case.workstation.phone if case.workstation_id else "") or (inquirer.mobile or "")
    missing = [line.strip() for line in case.missing_materials.splitlines() if line.strip()]
    return {
        "tracking_no": case.tracking_no,
        "received_at": timezone.localtime(case.received_at).isoformat(timespec="minutes"),
        "first_inquirer_name": inquirer.name or inquirer.login_name,
        "first_inquirer_org": org.name,
        "first_inquirer_contact": contact,
        "time_limit_class": case.get_time_limit_class_display(),
        "first_contact_due_at": timezone.localtime(case.first_contact_due_at).isoformat(timespec="minutes"),
        "promised_date": case.due_date.isoformat(),
        "missing_materials": missing,
        "provisional": case.deadline_provisional,
    }


def receipt_text(receipt: dict) -> str:
    text = _(
        "受理编号 %(no)s。首问责任人:%(org)s %(name)s,联系电话 %(contact)s。承诺办结日期:%(date)s。"
    ) % {"no": receipt["tracking_no"], "org": receipt["first_inquirer_org"], "name": receipt["first_inquirer_name"],
         "contact": receipt["first_inquirer_contact"] or "-", "date": receipt["promised_date"]}
    if receipt["missing_materials"]:
        text += _("请补充以下材料:%(m)s。") % {"m": "、".join(receipt["missing_materials"])}
    if receipt["provisional"]:
        text += _("(该日期按暂定工作日历计算,国务院放假安排公布后可能调整。)")
    return text
