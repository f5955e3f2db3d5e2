"""Changing ledgers, supervision items and the assessment. Every function checks the policy,
runs in one transaction and writes an audit record."""

from __future__ import annotations

import os
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.accounts.services import audit_record
from quntuan.assessment.models import (
    Assignment,
    Budget,
    Cadre,
    CadreTraining,
    Evidence,
    Indicator,
    ManualScore,
    MediaReport,
    OfficeSpace,
    Post,
    ProgressReport,
    Source,
    SupervisionItem,
    VetoFlag,
)
from quntuan.assessment.policies import assessment_policy
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.organizations.models import Organization, Region

PHOTO_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_REPORT = 10

PHOTO_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png", "png"), (b"\xff\xd8\xff", "image/jpeg", "jpg"))
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"PK\x03\x04", "application/zip", None),  # .docx / .xlsx / .pptx: extension from the name
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", None),  # .doc / .xls
)
OFFICE_EXTENSIONS = {"docx", "xlsx", "pptx", "doc", "xls", "ppt"}


def _ledger_guard(actor, organization: Organization | None, district: Region) -> None:
    if not assessment_policy.can_edit_ledger(actor, organization, district.pk):
        raise PermissionDenied(_("您无权修改该台账。"))


# --- ledgers -------------------------------------------------------------------------------------

@transaction.atomic
def post_create(*, actor, organization: Organization, name: str, kind: str, authorized: int, filled: int) -> Post:
    _ledger_guard(actor, organization, organization.district)
    name = _check_post(kind, authorized, filled, name)
    post = Post.objects.create(organization=organization, name=name, kind=kind,
                               authorized=authorized, filled=filled)
    audit_record(actor=actor, action="ledger.post_create", object_type="assessment.Post", object_id=post.pk)
    return post


@transaction.atomic
def cadre_create(*, actor, organization: Organization, name: str, kind: str, start: date, end: date | None = None,
                 position: str = "", from_unit: str = "") -> Cadre:
    _ledger_guard(actor, organization, organization.district)
    if kind not in Cadre.Kind.values:
        raise ApplicationError(_("干部类别无效(专职、兼职或挂职)。"))
    if end is not None and end < start:
        raise ApplicationError(_("截止日期不能早于起始日期。"))
    cadre = Cadre.objects.create(organization=organization, name=name.strip()[:64], kind=kind, start=start, end=end,
                                 position=position[:64], from_unit=from_unit[:100])
    audit_record(actor=actor, action="ledger.cadre_create", object_type="assessment.Cadre", object_id=cadre.pk)
    return cadre


def _decimal(value, message: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(message) from exc
    if not d.is_finite() or d < 0:
        raise ApplicationError(message)
    return d


@transaction.atomic
def budget_set(*, actor, organization: Organization, year: int, amount, note: str = "") -> Budget:
    """Create or replace the organization's budget for the year."""
    _ledger_guard(actor, organization, organization.district)
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("年度无效。"))
    amount = _decimal(amount, _("金额必须是不小于 0 的数字。"))
    if amount >= Decimal("1e12"):
        raise ApplicationError(_("金额过大。"))
    budget, _created = Budget.objects.update_or_create(organization=organization, year=year,
                                                       defaults={"amount": amount, "note": note[:200]})
    audit_record(actor=actor, action="ledger.budget_set", object_type="assessment.Budget", object_id=budget.pk,
                 detail={"year": year, "amount": str(amount)})
    return budget


@transaction.atomic
def office_space_create(*, actor, organization: Organization, address: str, area, rooms: int = 1,
                        note: str = "") -> OfficeSpace:
    _ledger_guard(actor, organization, organization.district)
    area = _decimal(area, _("面积必须是不小于 0 的数字。"))
    space = OfficeSpace.objects.create(organization=organization, address=address[:128], area=area, rooms=rooms,
                                       note=note[:200])
    audit_record(actor=actor, action="ledger.office_create", object_type="assessment.OfficeSpace", object_id=space.pk)
    return space


@transaction.atomic
def media_report_create(*, actor, district: Region, organization: Organization | None, title: str, outlet: str,
                        published_on: date, level: str, link: str = "") -> MediaReport:
    _ledger_guard(actor, organization, district)
    if organization is not None and organization.district_id != district.pk:
        raise ApplicationError(_("该组织不属于本区。"))
    if level not in MediaReport.Level.values:
        raise ApplicationError(_("报道级别只能是市级、省级或国家级。"))
    if link:
        _check_url(link, _("报道链接不是有效的网址。"))
    report = MediaReport.objects.create(district=district, organization=organization, title=title[:200],
                                        outlet=outlet[:100], published_on=published_on, level=level, link=link)
    audit_record(actor=actor, action="ledger.media_create", object_type="assessment.MediaReport", object_id=report.pk)
    return report


@transaction.atomic
def cadre_training_create(*, actor, district: Region, organization: Organization | None, title: str, start: date,
                          days: int, trainees: int) -> CadreTraining:
    _ledger_guard(actor, organization, district)
    if organization is not None and organization.district_id != district.pk:
        raise ApplicationError(_("该组织不属于本区。"))
    if trainees < 0 or days < 1:
        raise ApplicationError(_("参训人数不能为负,天数至少为 1。"))
    training = CadreTraining.objects.create(district=district, organization=organization, title=title[:200],
                                            start=start, days=days, trainees=trainees)
    audit_record(actor=actor, action="ledger.training_create", object_type="assessment.CadreTraining",
                 object_id=training.pk)
    return training


def _ledger_entry_guard(actor, entry) -> None:
    """The actor may change ``entry`` (any ledger row) where it is now."""
    organization = getattr(entry, "organization", None)
    district = entry.district if hasattr(entry, "district_id") else organization.district
    _ledger_guard(actor, organization, district)


def _check_post(kind: str, authorized: int, filled: int, name: str) -> str:
    if kind not in Post.Kind.values:
        raise ApplicationError(_("岗位类别无效。"))
    if authorized < 0 or filled < 0:
        raise ApplicationError(_("核定数和实有数不能为负数。"))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("请填写岗位名称。"))
    return name[:64]


@transaction.atomic
def post_update(*, actor, post: Post, name: str, kind: str, authorized: int, filled: int) -> Post:
    _ledger_entry_guard(actor, post)
    post.name = _check_post(kind, authorized, filled, name)
    post.kind, post.authorized, post.filled = kind, authorized, filled
    post.save()
    audit_record(actor=actor, action="ledger.post_update", object_type="assessment.Post", object_id=post.pk,
                 detail={"authorized": authorized, "filled": filled})
    return post


@transaction.atomic
def cadre_update(*, actor, cadre: Cadre, name: str, kind: str, start: date, end: date | None = None,
                 position: str = "", from_unit: str = "") -> Cadre:
    _ledger_entry_guard(actor, cadre)
    if kind not in Cadre.Kind.values:
        raise ApplicationError(_("干部类别无效(专职、兼职或挂职)。"))
    if end is not None and end < start:
        raise ApplicationError(_("截止日期不能早于起始日期。"))
    if not (name or "").strip():
        raise ApplicationError(_("请填写姓名。"))
    cadre.name, cadre.kind, cadre.start, cadre.end = name.strip()[:64], kind, start, end
    cadre.position, cadre.from_unit = position[:64], from_unit[:100]
    cadre.save()
    audit_record(actor=actor, action="ledger.cadre_update", object_type="assessment.Cadre", object_id=cadre.pk)
    return cadre


@transaction.atomic
def office_space_update(*, actor, space: OfficeSpace, address: str, area, rooms: int = 1,
                        note: str = "") -> OfficeSpace:
    _ledger_entry_guard(actor, space)
    space.area = _decimal(area, _("面积必须是不小于 0 的数字。"))
    if rooms < 0:
        raise ApplicationError(_("房间数不能为负数。"))
    space.address, space.rooms, space.note = address[:128], rooms, note[:200]
    space.save()
    audit_record(actor=actor, action="ledger.office_update", object_type="assessment.OfficeSpace",
                 object_id=space.pk)
    return space


@transaction.atomic
def media_report_update(*, actor, report: MediaReport, organization: Organization | None, title: str, outlet: str,
                        published_on: date, level: str, link: str = "") -> MediaReport:
    _ledger_entry_guard(actor, report)
    _ledger_guard(actor, organization, report.district)  # and where it moves to
    if organization is not None and organization.district_id != report.district_id:
        raise ApplicationError(_("该组织不属于本区。"))
    if level not in MediaReport.Level.values:
        raise ApplicationError(_("报道级别只能是市级、省级或国家级。"))
    if link:
        _check_url(link, _("报道链接不是有效的网址。"))
    report.organization, report.title, report.outlet = organization, title[:200], outlet[:100]
    report.published_on, report.level, report.link = published_on, level, link
    report.save()
    audit_record(actor=actor, action="ledger.media_update", object_type="assessment.MediaReport",
                 object_id=report.pk)
    return report


@transaction.atomic
def cadre_training_update(*, actor, training: CadreTraining, organization: Organization | None, title: str,
                          start: date, days: int, trainees: int) -> CadreTraining:
    _ledger_entry_guard(actor, training)
    _ledger_guard(actor, organization, training.district)
    if organization is not None and organization.district_id != training.district_id:
        raise ApplicationError(_("该组织不属于本区。"))
    if trainees < 0 or days < 1:
        raise ApplicationError(_("参训人数不能为负,天数至少为 1。"))
    training.organization, training.title, training.start = organization, title[:200], start
    training.days, training.trainees = days, trainees
    training.save()
    audit_record(actor=actor, action="ledger.training_update", object_type="assessment.CadreTraining",
                 object_id=training.pk)
    return training


@transaction.atomic
def ledger_entry_delete(*, actor, entry) -> None:
    """Delete one ledger row (post, cadre, budget, office space, media report, cadre training)."""
    if not isinstance(entry, (Post, Cadre, Budget, OfficeSpace, MediaReport, CadreTraining)):
        raise ApplicationError(_("不是台账记录。"))
    _ledger_entry_guard(actor, entry)
    label = entry._meta.label
    pk = entry.pk
    entry.delete()
    audit_record(actor=actor, action="ledger.delete", object_type=label, object_id=pk)


# --- supervision ---------------------------------------------------------------------------------

@transaction.atomic
def supervision_item_create(*, actor, district: Region, title: str, due_date: date, organization_ids: list[int],
                            description: str = "", is_key: bool = False) -> SupervisionItem:
    if not assessment_policy.can_manage_supervision(actor, district.pk):
        raise PermissionDenied(_("只有区督查人员可以创建督查事项。"))
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("请填写督查事项。"))
    orgs = list(Organization.objects.filter(district=district, pk__in=set(organization_ids), is_active=True))
    if not orgs or len(orgs) != len(set(organization_ids)):
        raise ApplicationError(_("请选择本区的责任单位。"))
    item = SupervisionItem.objects.create(district=district, title=title[:200], description=description,
                                          is_key=is_key, due_date=due_date, created_by=actor)
    Assignment.objects.bulk_create([Assignment(item=item, organization=o, due_date=due_date) for o in orgs])
    audit_record(actor=actor, action="supervision.item_create", object_type="assessment.SupervisionItem",
                 object_id=item.pk, detail={"organizations": sorted(o.pk for o in orgs)})
    return item


def _check_url(url: str, message: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ApplicationError(message, code="invalid_url") from exc


def evidence_check(uploaded_file) -> tuple[str, str, str]:
    """(kind, content type, extension) of an uploaded photo or document, judged by its first
    bytes and size; ApplicationError otherwise."""
    size = getattr(uploaded_file, "size", None) or 0
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    if size <= 0:
        raise ApplicationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="invalid_file")
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    for sig, ctype, ext in PHOTO_SIGNATURES:
        if head.startswith(sig):
            if size > PHOTO_MAX_BYTES:
                raise ApplicationError(_("照片“%(name)s”超过 10 MB。") % {"name": name}, code="file_too_large")
            return Evidence.Kind.PHOTO, ctype, ext
    for sig, ctype, ext in DOCUMENT_SIGNATURES:
        if head.startswith(sig):
            if ext is None:
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if ext not in OFFICE_EXTENSIONS:
                    break
            if size > DOCUMENT_MAX_BYTES:
                raise ApplicationError(_("文件“%(name)s”超过 20 MB。") % {"name": name}, code="file_too_large")
            return Evidence.Kind.DOCUMENT, ctype, ext
    raise ApplicationError(
        _("文件“%(name)s”类型不支持:照片只能是 PNG 或 JPEG,文件只能是 PDF 或 Office 文档。") % {"name": name},
        code="invalid_file_type")


@transaction.atomic
def progress_report_submit(*, actor, assignment: Assignment, month: date, text: str, percent: int,
                           files=(), video_urls=()) -> ProgressReport:
    """Submit (or amend) one month's progress with evidence. Files are all checked before any is saved."""
    if not assessment_policy.can_report(actor, assignment.organization_id):
        raise PermissionDenied(_("只有责任单位的工作人员可以报送进展。"))
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("请填写本月进展情况。"))
    if not 0 <= percent <= 100:
        raise ApplicationError(_("完成进度应在 0 到 100 之间。"))
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ApplicationError(_("不能报送未来月份的进展。"))
    files = list(files)
    video_urls = [u.strip() for u in video_urls if u and u.strip()]
    if len(files) > MAX_FILES_PER_REPORT:
        raise ApplicationError(_("每次最多上传 %(n)d 个文件。") % {"n": MAX_FILES_PER_REPORT})
    checked = [(f, *evidence_check(f)) for f in files]
    for url in video_urls:
        _check_url(url, _("视频链接“%(url)s”不是有效的网址。") % {"url": url[:80]})
    report, created = ProgressReport.objects.update_or_create(
        assignment=assignment, month=month, defaults={"text": text, "percent": percent, "reported_by": actor})
    for f, kind, ctype, ext in checked:
        ev = Evidence(report=report, kind=kind, original_name=os.path.basename(f.name or "")[:200],
                      content_type=ctype, size=f.size, uploaded_by=actor)
        ev.file.save(f"{uuid.uuid4().hex}.{ext}", f, save=False)
        ev.save()
    Evidence.objects.bulk_create([Evidence(report=report, kind=Evidence.Kind.VIDEO, url=u, uploaded_by=actor)
                                  for u in video_urls])
    audit_record(actor=actor, action="supervision.report_submit", object_type="assessment.ProgressReport",
                 object_id=report.pk, detail={"created": created, "files": len(checked), "videos": len(video_urls)})
    return report


@transaction.atomic
def assignment_complete(*, actor, assignment: Assignment, completed_on: date | None = None) -> Assignment:
    """Mark an assignment done; the supervisor confirms completion."""
    if not assessment_policy.can_manage_supervision(actor, assignment.item.district_id):
        raise PermissionDenied(_("只有区督查人员可以确认事项完成。"))
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status == Assignment.Status.DONE:
        raise Conflict(_("该事项已确认完成。"))
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ApplicationError(_("完成日期不能晚于今天。"))
    locked.status, locked.completed_on = Assignment.Status.DONE, completed_on
    locked.save(update_fields=["status", "completed_on", "updated_at"])
    audit_record(actor=actor, action="supervision.complete", object_type="assessment.Assignment",
                 object_id=locked.pk, detail={"completed_on": completed_on.isoformat()})
    return locked


# --- assessment ----------------------------------------------------------------------------------

def _indicator_guard(actor, district_id: int) -> None:
    if not assessment_policy.can_edit_indicators(actor, district_id):
        raise PermissionDenied(_("只有区督查人员可以设置考核指标和权重。"))


def _veto_guard(actor, district_id: int) -> None:
    if not assessment_policy.can_edit_indicators(actor, district_id):
        raise PermissionDenied(_("只有区督查人员可以设置或撤销一票否决。"))


def _check_indicator(source: str, weight: int, target, scope: str) -> Decimal | None:
    if source not in Source.values:
        raise ApplicationError(_("数据来源无效。"))
    if scope not in Indicator.Scope.values:
        raise ApplicationError(_("考核对象无效。"))
    if not 1 <= weight <= 100:
        raise ApplicationError(_("权重应在 1 到 100 之间。"))
    from quntuan.assessment.queries import RATE_SOURCES, STREET_SOURCES
    if scope == Indicator.Scope.STREET and source not in STREET_SOURCES:
        raise ApplicationError(_("该数据来源不适用于街道考核。"))
    if source in RATE_SOURCES or source == Source.MANUAL:
        return None
    if target in (None, ""):
        raise ApplicationError(_("计数类指标需要填写满分目标值。"))
    t = _decimal(target, _("满分目标值必须是大于 0 的数字。"))
    if t <= 0:
        raise ApplicationError(_("满分目标值必须是大于 0 的数字。"))
    return t


@transaction.atomic
def indicator_create(*, actor, district: Region, year: int, name: str, source: str, weight: int, target=None,
                     scope: str = Indicator.Scope.ORGANIZATION, order: int = 0) -> Indicator:
    _indicator_guard(actor, district.pk)
    target = _check_indicator(source, weight, target, scope)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("请填写指标名称。"))
    ind = Indicator.objects.create(district=district, year=year, name=name[:100], source=source, weight=weight,
                                   target=target, scope=scope, order=order)
    audit_record(actor=actor, action="assessment.indicator_create", object_type="assessment.Indicator",
                 object_id=ind.pk, detail={"weight": weight, "source": source})
    return ind


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, weight: int, target=None, name: str | None = None,
                     order: int | None = None) -> Indicator:
    _indicator_guard(actor, indicator.district_id)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    locked.target = _check_indicator(locked.source, weight, target, locked.scope)
    before = locked.weight
    locked.weight = weight
    if name:
        locked.name = name.strip()[:100]
    if order is not None:
        locked.order = order
    locked.save()
    audit_record(actor=actor, action="assessment.indicator_update", object_type="assessment.Indicator",
                 object_id=locked.pk, detail={"weight": [before, weight]})
    return locked


def _attach_evidence(row, uploaded_file) -> None:
    """Check an uploaded evidence file (photo, PDF or Office document) and attach it to ``row``."""
    _kind, _ctype, ext = evidence_check(uploaded_file)
    row.evidence_name = os.path.basename(uploaded_file.name or "")[:200]
    row.evidence_file.save(f"{uuid.uuid4().hex}.{ext}", uploaded_file, save=False)


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Remove an indicator (with its hand scores) from the year's assessment."""
    _indicator_guard(actor, indicator.district_id)
    pk, name = indicator.pk, indicator.name
    indicator.delete()
    audit_record(actor=actor, action="assessment.indicator_delete", object_type="assessment.Indicator",
                 object_id=pk, detail={"name": name})


@transaction.atomic
def manual_score_set(*, actor, indicator: Indicator, score, evidence: str = "", organization: Organization | None = None,
                     street: Region | None = None, evidence_file=None) -> ManualScore:
    """Give (or replace) a hand score with its evidence: a written justification, a file, or both."""
    _indicator_guard(actor, indicator.district_id)
    if indicator.source != Source.MANUAL:
        raise ApplicationError(_("该指标由平台数据计算,不能人工评分。"))
    if (organization is None) == (street is None):
        raise ApplicationError(_("请选择评分对象。"))
    if (indicator.scope == Indicator.Scope.STREET) != (street is not None):
        raise ApplicationError(_("评分对象与指标的考核对象不一致。"))
    target_district = street.district_id if street is not None else organization.district_id
    if target_district != indicator.district_id:
        raise ApplicationError(_("评分对象不属于本区。"))
    value = _decimal(score, _("得分应在 0 到 100 之间。"))
    if value > 100:
        raise ApplicationError(_("得分应在 0 到 100 之间。"))
    evidence = (evidence or "").strip()
    if not evidence and evidence_file is None:
        raise ApplicationError(_("人工评分需要填写评分依据或上传佐证材料。"))
    if evidence_file is not None:
        evidence_check(evidence_file)  # before anything is written
    key = {"organization": organization} if organization is not None else {"street": street}
    try:
        ms, _c = ManualScore.objects.update_or_create(indicator=indicator, **key, defaults={
            "score": value, "evidence": evidence, "scored_by": actor})
    except IntegrityError as exc:  # pragma: no cover - concurrent first scoring
        raise Conflict(_("评分正在被他人修改,请刷新后重试。")) from exc
    if evidence_file is not None:
        _attach_evidence(ms, evidence_file)
        ms.save(update_fields=["evidence_file", "evidence_name", "updated_at"])
    audit_record(actor=actor, action="assessment.manual_score", object_type="assessment.ManualScore",
                 object_id=ms.pk, detail={"score": str(value)})
    return ms


@transaction.atomic
def veto_flag_create(*, actor, organization: Organization, year: int, kind: str, reason: str,
                     evidence_file=None) -> VetoFlag:
    """一票否决 of an organization for the year, with the reason and optionally a file as evidence."""
    _veto_guard(actor, organization.district_id)
    if kind not in VetoFlag.Kind.values:
        raise ApplicationError(_("否决类型无效。"))
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("年度无效。"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写一票否决的事由。"))
    flag = VetoFlag(district_id=organization.district_id, year=year, organization=organization,
                    kind=kind, reason=reason, flagged_by=actor)
    if evidence_file is not None:
        _attach_evidence(flag, evidence_file)
    flag.save()
    audit_record(actor=actor, action="assessment.veto", object_type="assessment.VetoFlag", object_id=flag.pk)
    return flag


@transaction.atomic
def veto_flag_withdraw(*, actor, flag: VetoFlag) -> VetoFlag:
    _veto_guard(actor, flag.district_id)
    flag = VetoFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.withdrawn:
        raise Conflict(_("该一票否决已撤销。"))
    flag.withdrawn = True
    flag.save(update_fields=["withdrawn", "updated_at"])
    audit_record(actor=actor, action="assessment.veto_withdraw", object_type="assessment.VetoFlag", object_id=flag.pk)
    return flag
