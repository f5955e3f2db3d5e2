"""Demo data for volunteers and training: volunteers registered from the district's residents,
teams, shifts on the volunteer-service activities, hours reported and confirmed (or recorded in
bulk), people served, a few certificates, and training courses with sessions, attendance,
completion and outcomes. Everything goes through the services, as a user would do it.

    from quntuan.volunteers.demo import seed_volunteers
    seed_volunteers(district, random.Random(7))      # after seed_activities(district, rng)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities import services as activity_services
from quntuan.activities.models import Activity, ActivityKind, ActivityStatus
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Membership, Organization, Region
from quntuan.volunteers import rules, services
from quntuan.volunteers.models import ServiceRecord, Shift, Volunteer

VOLUNTEERS = 48
SKILLS = ["急救", "心理疏导", "法律咨询", "摄影", "文艺表演", "外语翻译", "电脑维修", "家电维修", "手语", "护理", "书法", ""]
AVAILABILITY = ["周末全天", "工作日晚上", "周六上午", "节假日", "随时", ""]
SHIFT_TITLES = ["秩序维护", "签到引导", "服务咨询", "助老陪护", "物资搬运", "宣传讲解"]
TEAMS = {"youth": "青年志愿服务队", "women": "巾帼志愿服务队", "union": "职工志愿服务队", "disabled": "助残志愿服务队"}
COURSES = [
    ("union", "职工电工技能提升班", "下岗失业职工、转岗职工", 5),
    ("union", "家政服务员培训班", "失业人员、农村转移劳动力", 4),
    ("women", "巾帼电商创业培训", "有创业意愿的妇女", 4),
    ("youth", "青年创业训练营", "18–35 岁创业青年", 3),
]


@dataclass
class SeedResult:
    created: bool
    counts: dict = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _id_number(rng: random.Random, district_code: str) -> str:
    area = (district_code[-6:] if district_code[-6:].isdigit() else "110105")
    born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
    body = f"{area}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, rules.ID_WEIGHTS, strict=True))
    return body + rules.ID_CHECK[total % 11]


def _staff(org: Organization) -> list[User]:
    ids = Membership.objects.filter(organization=org, user__is_active=True).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


def _host_staff(activity: Activity) -> User | None:
    return activity.host_staff.order_by("pk").first() or next(iter(_staff(activity.primary_host)), None)


def seed_volunteers(district: Region, rng: random.Random, *, today: date | None = None) -> SeedResult:
    """Create the demo volunteers and training records of ``district``; nothing if it has
    volunteers already. Run after the activities' demo (it uses their volunteer activities and
    adds a month-long one of its own)."""
    if Volunteer.objects.filter(district=district).exists():
        return SeedResult(created=False)
    today = today or timezone.localdate()
    now = timezone.now()
    tz = timezone.get_current_timezone()
    result = SeedResult(created=True)
    orgs = {o.code: o for o in Organization.objects.filter(district=district, is_active=True).order_by("id")}
    staff = {code: people for code, org in orgs.items() if (people := _staff(org))}
    residents = list(User.objects.filter(role=Role.RESIDENT, region=district, is_active=True)
                     .exclude(volunteer__isnull=False).order_by("pk")[:200])
    if not staff or not residents:
        result.refused.append("区内没有工作人员或居民,未生成志愿者数据。")
        return result
    counts = {"volunteers": 0, "teams": 0, "shifts": 0, "signups": 0, "records": 0, "confirmed": 0,
              "certificates": 0, "courses": 0, "sessions": 0, "trainees": 0, "completed": 0, "outcomes": 0}

    # volunteers
    volunteers: list[Volunteer] = []
    for person in rng.sample(residents, min(VOLUNTEERS, len(residents))):
        try:
            volunteers.append(services.volunteer_register(
                user=person, real_name=person.name or "志愿者", id_type="resident_id",
                id_number=_id_number(rng, district.code), skills=rng.choice(SKILLS),
                availability=rng.choice(AVAILABILITY)))
        except ApplicationError as exc:
            result.refused.append(f"{person}:{exc.message}")
    counts["volunteers"] = len(volunteers)

    # teams
    for code, name in TEAMS.items():
        if code not in staff:
            continue
        team = services.team_create(actor=staff[code][0], organization=orgs[code], name=name,
                                    description=f"{orgs[code].name}组建的志愿服务队")
        for v in rng.sample(volunteers, min(len(volunteers), rng.randint(6, 12))):
            services.team_add_member(actor=staff[code][0], team=team, volunteer=v)
        counts["teams"] += 1

    # a month-long volunteer post run by the youth league, so that some volunteers reach a star
    long_host = "youth" if "youth" in staff else next(iter(staff))
    start_day = today - timedelta(days=40)
    try:
        long_activity = activity_services.activity_create(
            actor=staff[long_host][0], primary_host=orgs[long_host],
            data=activity_services.ActivityInput(
                kind=ActivityKind.VOLUNTEER, title="社区便民服务站志愿值守",
                description="每日在社区便民服务站提供咨询、引导和代办服务。",
                start=datetime.combine(start_day, time(8, 0), tzinfo=tz),
                end=datetime.combine(start_day + timedelta(days=29), time(20, 0), tzinfo=tz),
                capacity=40, address=f"{district.name}政务服务中心一楼",
                contact_name=staff[long_host][0].name),
        )
        activity_services.activity_publish(actor=staff[long_host][0], activity=long_activity,
                                           now=long_activity.start - timedelta(days=10))
    except ApplicationError as exc:
        result.refused.append(f"社区便民服务站志愿值守:{exc.message}")

    # shifts on every published volunteer activity of the district
    activities = list(Activity.objects.filter(district=district, kind=ActivityKind.VOLUNTEER,
                                              status=ActivityStatus.PUBLISHED).order_by("start", "id"))
    regulars = volunteers[:6]
    for activity in activities:
        actor = _host_staff(activity)
        if actor is None:
            continue
        shifts = _make_shifts(activity, actor, rng, regulars)
        counts["shifts"] += len(shifts)
        for shift in shifts:
            pool = regulars if shift.title == "值守" else volunteers
            chosen = pool if shift.title == "值守" else rng.sample(pool, min(len(pool), rng.randint(1, shift.slots)))
            for v in chosen:
                try:
                    services.shift_signup(user=v.user, shift=shift, now=shift.start - timedelta(days=3))
                    counts["signups"] += 1
                except ApplicationError:
                    pass
            if shift.end <= now:
                c, r = _hours(shift, actor, rng)
                counts["records"] += r
                counts["confirmed"] += c
        if activity.end <= now:
            services.people_served_record(actor=actor, activity=activity, people_served=rng.randint(20, 260),
                                          summary="活动顺利完成,服务对象反映良好。")

    # certificates for the volunteers with the most hours
    top = (ServiceRecord.objects.filter(volunteer__district=district, status=ServiceRecord.Status.CONFIRMED)
           .values_list("volunteer_id", "shift__activity__primary_host_id").distinct())
    issued = set()
    for volunteer_id, org_id in top:
        if volunteer_id in issued or len(issued) >= 5:
            continue
        org = Organization.objects.get(pk=org_id)
        if org.code not in staff:
            continue
        try:
            services.certificate_issue(
                actor=staff[org.code][0], volunteer=Volunteer.objects.get(pk=volunteer_id), organization=org,
                responsible_person=(next((u.name for u in staff[org.code] if u.role == Role.ORG_LEADER), "")
                                    or staff[org.code][0].name),
                handler=staff[org.code][0].name, contact=org.phone or "12345", today=today)
            issued.add(volunteer_id)
        except ApplicationError as exc:
            result.refused.append(f"证明:{exc.message}")
    counts["certificates"] = len(issued)

    _training(orgs, staff, residents, rng, today, counts, result)
    result.counts = counts
    return result


def _make_shifts(activity: Activity, actor, rng: random.Random, regulars) -> list[Shift]:
    shifts = []
    length = activity.end - activity.start
    if length > timedelta(days=1):
        day = timezone.localtime(activity.start).date()
        last = timezone.localtime(activity.end).date()
        tz = timezone.get_current_timezone()
        while day <= last:
            start = datetime.combine(day, time(8, 0), tzinfo=tz)
            shifts.append(services.shift_create(actor=actor, activity=activity, title="值守", start=start,
                                                end=start + timedelta(hours=8), slots=len(regulars) or 1))
            day += timedelta(days=1)
        return shifts
    halves = 2 if length >= timedelta(hours=2) else 1
    step = length / halves
    for i in range(halves):
        start = activity.start + step * i
        shifts.append(services.shift_create(actor=actor, activity=activity, title=rng.choice(SHIFT_TITLES),
                                            start=start, end=start + step, slots=rng.randint(3, 8)))
    return shifts


def _hours(shift: Shift, actor, rng: random.Random) -> tuple[int, int]:
    """Self-reports (most confirmed, some corrected, a few left pending) and bulk records."""
    confirmed = records = 0
    bulk = {}
    for signup in shift.signups.filter(status="signed_up").select_related("volunteer__user"):
        length = shift.length_minutes
        if rng.random() < 0.7:
            minutes = length if rng.random() < 0.7 else max(30, length - rng.choice([15, 30, 45]))
            record = services.hours_report(user=signup.volunteer.user, shift=shift, minutes=minutes,
                                           now=shift.end + timedelta(hours=2))
            records += 1
            roll = rng.random()
            if roll < 0.75:
                services.hours_confirm(actor=actor, record=record, now=shift.end + timedelta(days=1))
                confirmed += 1
            elif roll < 0.85 and minutes > 30:
                services.hours_confirm(actor=actor, record=record, minutes=minutes - 30, note="迟到半小时",
                                       now=shift.end + timedelta(days=1))
                confirmed += 1
        else:
            bulk[signup.volunteer_id] = shift.length_minutes
    if bulk:
        services.hours_record_for_shift(actor=actor, shift=shift, entries=bulk, now=shift.end + timedelta(days=1))
        records += len(bulk)
        confirmed += len(bulk)
    return confirmed, records


def _training(orgs, staff, residents, rng: random.Random, today: date, counts: dict, result: SeedResult) -> None:
    tz = timezone.get_current_timezone()
    for n, (code, title, audience, sessions) in enumerate(COURSES):
        if code not in staff:
            continue
        actor = staff[code][0]
        course = services.course_create(actor=actor, organization=orgs[code], title=title, audience=audience)
        counts["courses"] += 1
        first = today - timedelta(days=60 - 12 * n)
        session_rows = []
        for i in range(sessions):
            start = datetime.combine(first + timedelta(days=7 * i), time(14, 0), tzinfo=tz)
            session_rows.append(services.session_add(actor=actor, course=course, start=start,
                                                     end=start + timedelta(hours=2), topic=f"第{i + 1}讲"))
        counts["sessions"] += sessions
        enrollments = [services.enrollment_add(actor=actor, course=course, trainee=p)
                       for p in rng.sample(residents, min(len(residents), rng.randint(10, 18)))]
        counts["trainees"] += len(enrollments)
        finished = all(s.end <= timezone.now() for s in session_rows)
        for session in session_rows:
            if session.start > timezone.now():
                continue
            present = [e.pk for e in enrollments if rng.random() < 0.85]
            services.attendance_set(actor=actor, session=session, present_enrollment_ids=present,
                                    now=session.end)
        if not finished:
            continue
        last_day = timezone.localtime(session_rows[-1].end).date()
        counts["completed"] += services.course_complete(actor=actor, course=course, today=last_day)
        for e in enrollments:
            e.refresh_from_db()
            if not e.completed or rng.random() < 0.3:
                continue
            kind = rng.choices(["reemployed", "changed_job", "started_business", "none"],
                               weights=[5, 2, 2 if code in ("women", "youth") else 1, 2])[0]
            on = min(today, last_day + timedelta(days=rng.randint(3, 40)))
            try:
                services.outcome_record(actor=actor, enrollment=e, kind=kind, on=on, today=today)
                counts["outcomes"] += 1
            except ApplicationError as exc:
                result.refused.append(f"{title}:{exc.message}")
