"""Roster import from .xlsx (residents, volunteers, staff, training-course trainees): every row is checked first and the
whole file is refused with a row-by-row error report if any row is wrong; a clean file is
imported in one transaction, so nothing is ever half-imported."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from quntuan.accounts.models import Role, User
from quntuan.cases.policies import is_platform_admin, user_leader_org_ids, user_org_ids
from quntuan.core.exceptions import ApplicationError, PermissionDenied
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Membership, Organization, Region
from quntuan.reports.policies import _in_region
from quntuan.volunteers import rules as volunteer_rules
from quntuan.volunteers.models import Enrollment, IdType, TrainingCourse, Volunteer
from quntuan.volunteers.services import volunteer_register

MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1); 0 for the file itself
    column: str
    message: str


@dataclass
class ImportResult:
    kind: str
    ok: bool
    imported: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Roster:
    kind: str
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


ROSTERS = {
    "residents": Roster("residents", "居民名册", ("姓名", "手机号"), ("所在社区", "注册日期")),
    "volunteers": Roster("volunteers", "志愿者名册", ("手机号", "真实姓名", "身份证号码"), ("技能特长",)),
    "staff": Roster("staff", "工作人员名册", ("用户名", "姓名", "组织代码"), ("岗位",)),
    "trainees": Roster("trainees", "培训学员名册", ("课程编号", "手机号"), ("姓名", "报名日期")),
}


class _Rejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


# --- reading the file ----------------------------------------------------------------------------------
def read_rows(data: bytes, roster: Roster, progress: Callable[[int], None] | None = None
              ) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(rows as (row number, {header: value}）, file-level errors). Reading reports 1–19 %."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "", _("文件超过 20 MB,请拆分后分批导入。"))]
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [], [RowError(0, "", _("文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。"))]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any reader failure is a bad file
        return [], [RowError(0, "", _("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。"))]
    ws = wb.worksheets[0]
    if ws.max_row is not None and ws.max_row - 1 > MAX_ROWS:
        wb.close()
        return [], [RowError(0, "", _("文件共 %(n)d 行数据，超过每次 %(max)d 行的上限，请拆分后分批导入。")
                             % {"n": ws.max_row - 1, "max": MAX_ROWS})]
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    headers = [str(h).strip() if h is not None else "" for h in (header_row or ())]
    expected = roster.required + roster.optional
    missing = [h for h in roster.required if h not in headers]
    unknown = [h for h in headers if h and h not in expected]
    errors = []
    if missing:
        errors.append(RowError(1, "、".join(missing), _("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)}))
    if unknown:
        errors.append(RowError(1, "、".join(unknown), _("无法识别的列：%(cols)s（应为：%(exp)s）。")
                               % {"cols": "、".join(unknown), "exp": "、".join(expected)}))
    if errors:
        wb.close()
        return [], errors
    rows = []
    for number, values in enumerate(it, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            wb.close()
            return [], [RowError(0, "", _("文件数据超过每次 %(max)d 行的上限，请拆分后分批导入。") % {"max": MAX_ROWS})]
        rows.append((number, {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}))
        if progress is not None and len(rows) % 1000 == 0:
            progress(1 + len(rows) * 18 // MAX_ROWS)
    wb.close()
    if not rows:
        return [], [RowError(0, "", _("文件中没有数据行。"))]
    return rows, []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            raise ValueError from None


# --- per roster: check a row, then create it -----------------------------------------------------------
def _check_residents(rows, *, district: Region, errors: list[RowError], **_kw):
    communities = {c.name: c for c in Region.objects.filter(district=district, level=Region.Level.COMMUNITY)}
    mobiles = [_text(r.get("手机号")) for _, r in rows]
    existing = set(User.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))
    seen: dict[str, int] = {}
    cleaned = []
    for number, r in rows:
        name, mobile = _text(r.get("姓名")), _text(r.get("手机号"))
        if not name:
            errors.append(RowError(number, "姓名", _("姓名不能为空。")))
        elif len(name) > 64:
            errors.append(RowError(number, "姓名", _("姓名不超过 64 个字。")))
        if not is_valid_mobile(mobile):
            errors.append(RowError(number, "手机号", _("手机号“%(v)s”不正确，应为 11 位手机号码。") % {"v": mobile}))
        elif mobile in seen:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 与第 %(n)d 行重复。") % {"v": mobile, "n": seen[mobile]}))
        elif mobile in existing:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 已注册，不能重复导入。") % {"v": mobile}))
        seen.setdefault(mobile, number)
        community = None
        cname = _text(r.get("所在社区"))
        if cname:
            community = communities.get(cname)
            if community is None:
                errors.append(RowError(number, "所在社区", _("社区“%(v)s”不在本区。") % {"v": cname}))
        try:
            joined = _date(r.get("注册日期"))
        except ValueError:
            joined = None
            errors.append(RowError(number, "注册日期", _("日期“%(v)s”无法识别，应为 2026-01-31 这样的格式。")
                                   % {"v": _text(r.get("注册日期"))}))
        if joined and joined > timezone.localdate():
            errors.append(RowError(number, "注册日期", _("注册日期不能晚于今天。")))
        cleaned.append((number, name, mobile, community, joined))
    return cleaned


def _create_residents(cleaned, *, district: Region, progress, **_kw) -> int:
    tz = timezone.get_default_timezone()
    users = []
    for name, mobile, community, joined in (c[1:] for c in cleaned):
        user = User(mobile=mobile, name=name, role=Role.RESIDENT, region=district, community=community)
        user.set_unusable_password()
        if joined:
            user.date_joined = timezone.make_aware(datetime.combine(joined, time(9)), tz)
        users.append(user)
    _bulk_create(User, users, progress)
    return len(users)


def _bulk_create(model, objs: list, progress, start: int = 50, end: int = 100) -> None:
    """Insert ``objs`` 1,000 at a time (inside the caller's transaction), reporting start–end %."""
    for i in range(0, len(objs), 1000):
        model.objects.bulk_create(objs[i:i + 1000])
        progress(start + (end - start) * min(i + 1000, len(objs)) // max(len(objs), 1))


def _check_volunteers(rows, *, district: Region, errors: list[RowError], **_kw):
    mobiles = [_text(r.get("手机号")) for _, r in rows]
    residents = {u.mobile: u for u in User.objects.filter(mobile__in=mobiles, role=Role.RESIDENT)}
    registered = set(Volunteer.objects.filter(user__in=list(residents.values())).values_list("user_id", flat=True))
    ids = [volunteer_rules.normalise_id_number(_text(r.get("身份证号码"))) for _, r in rows]
    taken = set(Volunteer.objects.filter(id_type=IdType.RESIDENT_ID, id_number__in=ids)
                .values_list("id_number", flat=True))
    seen_mobile: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    cleaned = []
    for number, r in rows:
        mobile = _text(r.get("手机号"))
        name = _text(r.get("真实姓名"))
        id_number = volunteer_rules.normalise_id_number(_text(r.get("身份证号码")))
        user = residents.get(mobile)
        if user is None:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 没有对应的居民账户，请先导入居民名册。") % {"v": mobile}))
        elif user.region_id != district.pk:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 的居民不属于本区。") % {"v": mobile}))
        elif user.pk in registered:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 的居民已是志愿者。") % {"v": mobile}))
        if mobile in seen_mobile:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 与第 %(n)d 行重复。") % {"v": mobile, "n": seen_mobile[mobile]}))
        seen_mobile.setdefault(mobile, number)
        if not name:
            errors.append(RowError(number, "真实姓名", _("真实姓名不能为空。")))
        if not volunteer_rules.resident_id_valid(id_number):
            errors.append(RowError(number, "身份证号码", _("居民身份证号码不正确。")))
        elif id_number in seen_id:
            errors.append(RowError(number, "身份证号码", _("身份证号码与第 %(n)d 行重复。") % {"n": seen_id[id_number]}))
        elif id_number in taken:
            errors.append(RowError(number, "身份证号码", _("该身份证号码已注册过志愿者。")))
        seen_id.setdefault(id_number, number)
        cleaned.append((number, user, name, id_number, _text(r.get("技能特长"))[:200]))
    return cleaned


def _create_volunteers(cleaned, *, progress, **_kw) -> int:
    for i, (number, user, name, id_number, skills) in enumerate(cleaned, start=1):
        try:
            volunteer_register(user=user, real_name=name, id_type=IdType.RESIDENT_ID, id_number=id_number,
                               skills=skills)
        except ApplicationError as exc:
            raise _Rejected([RowError(number, "", exc.message)]) from None
        if i % 200 == 0:
            progress(int(i * 100 / len(cleaned)))
    return len(cleaned)


ROLE_NAMES = {"工作人员": Membership.Role.STAFF, "负责人": Membership.Role.LEADER, "": Membership.Role.STAFF}


def _check_staff(rows, *, district: Region, errors: list[RowError], allowed_org_ids: set[int] | None, **_kw):
    orgs = {o.code: o for o in Organization.objects.filter(district=district, is_active=True)}
    names = [_text(r.get("用户名")) for _, r in rows]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    seen: dict[str, int] = {}
    cleaned = []
    for number, r in rows:
        username, name, code = _text(r.get("用户名")), _text(r.get("姓名")), _text(r.get("组织代码"))
        role = _text(r.get("岗位"))
        if not username or len(username) > 64:
            errors.append(RowError(number, "用户名", _("用户名不能为空，且不超过 64 个字符。")))
        elif username in seen:
            errors.append(RowError(number, "用户名", _("用户名 %(v)s 与第 %(n)d 行重复。") % {"v": username, "n": seen[username]}))
        elif username in existing:
            errors.append(RowError(number, "用户名", _("用户名 %(v)s 已存在。") % {"v": username}))
        seen.setdefault(username, number)
        if not name:
            errors.append(RowError(number, "姓名", _("姓名不能为空。")))
        org = orgs.get(code)
        if org is None:
            errors.append(RowError(number, "组织代码", _("组织代码“%(v)s”不在本区。") % {"v": code}))
        elif allowed_org_ids is not None and org.pk not in allowed_org_ids:
            errors.append(RowError(number, "组织代码", _("您只能导入本组织的工作人员。")))
        if role not in ROLE_NAMES:
            errors.append(RowError(number, "岗位", _("岗位应为“工作人员”或“负责人”。")))
        cleaned.append((number, username, name, org, ROLE_NAMES.get(role, Membership.Role.STAFF)))
    return cleaned


def _create_staff(cleaned, *, district: Region, progress, **_kw) -> int:
    users = []
    for _n, username, name, _org, role in cleaned:
        user = User(username=username, name=name, region=district,
                    role=Role.ORG_LEADER if role == Membership.Role.LEADER else Role.STAFF)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    Membership.objects.bulk_create([
        Membership(user_id=by_name[username], organization=org, role=role)
        for _n, username, _name, org, role in cleaned
    ], batch_size=1000)
    progress(100)
    return len(users)


def _check_trainees(rows, *, district: Region, errors: list[RowError], allowed_org_ids: set[int] | None, **_kw):
    """课程编号 is the course's number on the courses page (its id); 手机号 a registered resident
    of the district; 姓名, when given, must be that resident's name; 报名日期 is optional."""
    course_ids = set()
    for _n, r in rows:
        text = _text(r.get("课程编号"))
        if text.isdigit():
            course_ids.add(int(text))
    courses = {c.pk: c for c in TrainingCourse.objects.filter(pk__in=sorted(course_ids),
                                                              organization__district=district)}
    mobiles = [_text(r.get("手机号")) for _, r in rows]
    residents = {u.mobile: u for u in User.objects.filter(mobile__in=mobiles, role=Role.RESIDENT, is_active=True)}
    enrolled = set(Enrollment.objects.filter(course_id__in=list(courses), trainee__in=list(residents.values()))
                   .values_list("course_id", "trainee_id"))
    seen: dict[tuple[int, str], int] = {}
    today = timezone.localdate()
    cleaned = []
    for number, r in rows:
        code, mobile, name = _text(r.get("课程编号")), _text(r.get("手机号")), _text(r.get("姓名"))
        course = courses.get(int(code)) if code.isdigit() else None
        if course is None:
            errors.append(RowError(number, "课程编号", _("课程编号“%(v)s”不是本区的培训课程。") % {"v": code}))
        elif allowed_org_ids is not None and course.organization_id not in allowed_org_ids:
            errors.append(RowError(number, "课程编号", _("您只能导入本组织举办的课程的学员。")))
        user = residents.get(mobile)
        if not is_valid_mobile(mobile):
            errors.append(RowError(number, "手机号", _("手机号“%(v)s”不正确，应为 11 位手机号码。") % {"v": mobile}))
        elif user is None:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 没有对应的居民账户，请先导入居民名册。") % {"v": mobile}))
        elif user.region_id != district.pk:
            errors.append(RowError(number, "手机号", _("手机号 %(v)s 的居民不属于本区。") % {"v": mobile}))
        else:
            if name and name != user.name:
                errors.append(RowError(number, "姓名", _("姓名“%(v)s”与该手机号登记的居民姓名不一致。") % {"v": name}))
            if course is not None and (course.pk, user.pk) in enrolled:
                errors.append(RowError(number, "手机号", _("手机号 %(v)s 的居民已是该课程学员。") % {"v": mobile}))
        if course is not None and mobile:
            key = (course.pk, mobile)
            if key in seen:
                errors.append(RowError(number, "手机号", _("该课程的手机号 %(v)s 与第 %(n)d 行重复。")
                                       % {"v": mobile, "n": seen[key]}))
            seen.setdefault(key, number)
        try:
            joined = _date(r.get("报名日期"))
        except ValueError:
            joined = None
            errors.append(RowError(number, "报名日期", _("日期“%(v)s”无法识别，应为 2026-01-31 这样的格式。")
                                   % {"v": _text(r.get("报名日期"))}))
        if joined and joined > today:
            errors.append(RowError(number, "报名日期", _("报名日期不能晚于今天。")))
        cleaned.append((number, course, user, joined))
    return cleaned


def _create_trainees(cleaned, *, progress, **_kw) -> int:
    rows = [Enrollment(course=course, trainee=user) for _n, course, user, _j in cleaned]
    _bulk_create(Enrollment, rows, progress, end=90)
    # created_at is set on insert; the enrolment date from the file replaces it, one update a day.
    tz = timezone.get_default_timezone()
    by_day: dict[date, list[int]] = {}
    for enrollment, (_n, _course, _user, joined) in zip(rows, cleaned, strict=True):
        if joined:
            by_day.setdefault(joined, []).append(enrollment.pk)
    for day, ids in by_day.items():
        Enrollment.objects.filter(pk__in=ids).update(created_at=timezone.make_aware(datetime.combine(day, time(9)), tz))
    progress(100)
    return len(rows)


CHECKS: dict[str, Callable] = {"residents": _check_residents, "volunteers": _check_volunteers, "staff": _check_staff,
                               "trainees": _check_trainees}
CREATES: dict[str, Callable] = {"residents": _create_residents, "volunteers": _create_volunteers,
                                "staff": _create_staff, "trainees": _create_trainees}


def may_import(user, *, district: Region, kind: str) -> set[int] | None:
    """None if the user may import any row of the district; for staff rosters, the organization
    ids a leader may import into; for trainee rosters, the organizations whose courses a staff
    member may fill. Raises PermissionDenied otherwise."""
    if not getattr(user, "is_authenticated", False) or user.role == Role.AUDITOR:
        raise PermissionDenied(_("您无权导入名册。"))
    if is_platform_admin(user) or (user.role == Role.SUPERVISOR and _in_region(user, district)):
        return None
    leader_orgs = set(Organization.objects.filter(pk__in=sorted(user_leader_org_ids(user)), district=district)
                      .values_list("pk", flat=True))
    if kind == "staff" and leader_orgs:
        return leader_orgs
    if kind == "trainees":
        member_orgs = set(Organization.objects.filter(pk__in=sorted(user_org_ids(user)), district=district)
                          .values_list("pk", flat=True))
        if member_orgs:
            return member_orgs
    raise PermissionDenied(_("您无权导入该名册：居民和志愿者名册由区督查人员导入，工作人员名册由组织负责人导入本组织人员，"
                             "培训学员名册由举办课程的组织导入。"))


def roster_import(*, user, district: Region, kind: str, data: bytes,
                  progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check every row; import all rows in one transaction, or none with the error report."""
    roster = ROSTERS.get(kind)
    if roster is None:
        raise ApplicationError(_("未知的名册类型。"), code="invalid")
    allowed = may_import(user, district=district, kind=kind)
    progress = progress or (lambda pct: None)
    rows, errors = read_rows(data, roster, progress)
    if errors:
        return ImportResult(kind=kind, ok=False, errors=errors)
    progress(20)
    cleaned = CHECKS[kind](rows, district=district, errors=errors, allowed_org_ids=allowed)
    progress(50)
    if errors:
        return ImportResult(kind=kind, ok=False, rows=len(rows), errors=sorted(errors, key=lambda e: e.row))
    try:
        with transaction.atomic():
            imported = CREATES[kind](cleaned, district=district, progress=progress)
    except _Rejected as exc:
        return ImportResult(kind=kind, ok=False, rows=len(rows), errors=exc.errors)
    return ImportResult(kind=kind, ok=True, imported=imported, rows=len(rows))


def template_workbook(kind: str) -> bytes:
    from quntuan.reports.xlsx import build_workbook

    roster = ROSTERS[kind]
    return build_workbook([], [(h, h) for h in roster.required + roster.optional], sheet_title=roster.label)


# --- as a background run with a progress bar ---------------------------------------------------------
def _progress_key(run_id: int) -> str:
    return f"reports:import:{run_id}:progress"


def run_progress(run) -> int:
    from django.core.cache import cache

    if run.status in (run.Status.DONE, run.Status.REJECTED):
        return 100
    return int(cache.get(_progress_key(run.pk), 0))


@transaction.atomic
def import_run_start(*, user, district: Region, kind: str, filename: str, data: bytes):
    """Record the upload and queue the import (after commit). Permission is checked here and
    again when the run executes."""
    from quntuan.reports.background import start_task
    from quntuan.reports.models import ImportRun
    from quntuan.reports.tasks import run_roster_import

    if kind not in ROSTERS:
        raise ApplicationError(_("未知的名册类型。"), code="invalid")
    may_import(user, district=district, kind=kind)
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("文件超过 20 MB，请拆分后分批导入。"), code="too_large")
    run = ImportRun.objects.create(user=user, district=district, kind=kind, filename=filename[:200], data=data)
    transaction.on_commit(lambda: start_task(run_roster_import, run.pk))
    return run


def import_run_execute(*, run_id: int) -> None:
    """Run a queued import once; a second call finds it finished and does nothing."""
    from django.core.cache import cache

    from quntuan.reports.models import ImportRun

    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("user", "district").filter(pk=run_id).first()
        if run is None or run.status != ImportRun.Status.PENDING:
            return
        run.status = ImportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "attempts"])
    key = _progress_key(run.pk)
    try:
        result = roster_import(user=run.user, district=run.district, kind=run.kind, data=bytes(run.data),
                               progress=lambda pct: cache.set(key, pct, 3600))
    except ApplicationError as exc:
        result = ImportResult(kind=run.kind, ok=False, errors=[RowError(0, "", exc.message)])
    run.status = ImportRun.Status.DONE if result.ok else ImportRun.Status.REJECTED
    run.imported = result.imported
    run.errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
    run.data = b""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "imported", "errors", "data", "finished_at"])
    cache.delete(key)


def import_runs_resume(*, stale_minutes: int | None = None) -> int:
    """Imports a dead worker or a restarted server left behind: a run still queued, or still
    importing, ``IMPORT_STALE_MINUTES`` after it was queued or started. An import is one
    transaction, so an interrupted one wrote nothing and its file is still kept: it is queued
    again, up to ``IMPORT_MAX_ATTEMPTS`` starts in all; after that it is rejected with a message
    saying so. Returns how many runs were queued again or rejected."""
    from quntuan.reports.background import start_task
    from quntuan.reports.models import ImportRun
    from quntuan.reports.tasks import run_roster_import

    stale = settings.IMPORT_STALE_MINUTES if stale_minutes is None else stale_minutes
    cutoff = timezone.now() - timedelta(minutes=stale)
    stuck = ImportRun.objects.filter(
        Q(status=ImportRun.Status.PENDING, created_at__lt=cutoff, started_at__isnull=True)
        | Q(status=ImportRun.Status.PENDING, started_at__lt=cutoff)
        | Q(status=ImportRun.Status.RUNNING, started_at__lt=cutoff)
    )
    handled = 0
    for run_id in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
            if run is None or run.status not in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING):
                continue
            if (run.started_at or run.created_at) >= cutoff:
                continue  # started again meanwhile
            if run.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                run.status = ImportRun.Status.REJECTED
                run.errors = [{"row": 0, "column": "", "message": str(_(
                    "导入多次中断，未导入任何数据，请重新上传文件；如仍失败请联系平台管理员。"))}]
                run.data = b""
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "errors", "data", "finished_at"])
            else:
                run.status = ImportRun.Status.PENDING
                run.started_at = timezone.now()  # queued again now: not stale for another period
                run.save(update_fields=["status", "started_at"])
                transaction.on_commit(lambda pk=run.pk: start_task(run_roster_import, pk))
            handled += 1
    return handled
