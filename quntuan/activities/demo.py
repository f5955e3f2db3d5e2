"""Demo data for activities: venues in every street of a district (青年之家, 妇女之家, 职工之家,
党群服务中心 — fictional), a few dozen activities over the weeks around today, registrations,
check-ins and walk-ins, all replayed through the services.

    from quntuan.activities.demo import seed_activities
    seed_activities(district, random.Random(42))

Needs the district's organizations (codes union, youth, women, science, overseas, disabled), their
staff and some residents to exist. Does nothing when the district already has venues.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities import services
from quntuan.activities.models import ActivityKind, Venue
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Membership, Organization, Region

WEEKDAYS_9_21 = [[["09:00", "21:00"]] for _ in range(7)]
OFFICE_HOURS = [[["08:30", "12:00"], ["13:30", "20:30"]] for _ in range(6)] + [[]]
CLOSED_MONDAY = [[]] + [[["09:00", "21:00"]] for _ in range(6)]

VENUE_KINDS = [
    # (name, owner code, capacity, facilities, opening hours, shared with every organization)
    ("青年之家", "youth", 40, "多功能活动室、投影、图书角", CLOSED_MONDAY, False),
    ("妇女之家", "women", 30, "亲子活动区、培训桌椅、母婴室", WEEKDAYS_9_21, False),
    ("职工之家", "union", 60, "职工书屋、健身角、会议室", WEEKDAYS_9_21, False),
    ("党群服务中心", None, 120, "报告厅、会议室、音响投影", OFFICE_HOURS, True),
]

# (owner code, kind, title, audience groups, age range, minutes)
PLANS = [
    ("union", ActivityKind.LECTURE, "职工劳动法律知识讲座", ["workers"], (18, 65), 120),
    ("union", ActivityKind.TRAINING, "职工技能培训:电工基础", ["workers"], (18, 60), 180),
    ("union", ActivityKind.CULTURE, "职工乒乓球友谊赛", ["workers"], (18, 65), 150),
    ("union", ActivityKind.COMPETITION, "“金牌工匠”技能比武", ["workers"], (20, 60), 180),
    ("union", ActivityKind.VOLUNTEER, "职工健康义诊", ["workers", "elderly"], (None, None), 120),
    ("union", ActivityKind.BRAND, "“工会送清凉”品牌活动", ["workers"], (None, None), 90),
    ("youth", ActivityKind.VOLUNTEER, "青年志愿者社区清洁行动", ["youth"], (14, 35), 120),
    ("youth", ActivityKind.LECTURE, "青年创业分享沙龙", ["youth"], (18, 35), 120),
    ("youth", ActivityKind.TRAINING, "青少年科学小课堂", ["youth", "children"], (8, 16), 90),
    ("youth", ActivityKind.CULTURE, "青春歌会", ["youth"], (14, 35), 120),
    ("youth", ActivityKind.BRAND, "“青年之家”开放日", ["youth"], (None, None), 180),
    ("women", ActivityKind.LECTURE, "家庭教育公益讲座", ["women", "children"], (None, None), 90),
    ("women", ActivityKind.TRAINING, "巾帼家政技能培训", ["women"], (18, 55), 180),
    ("women", ActivityKind.CULTURE, "亲子阅读会", ["women", "children"], (3, 12), 90),
    ("women", ActivityKind.COMPETITION, "“最美家庭”评选展示", ["women"], (None, None), 120),
    ("science", ActivityKind.LECTURE, "科普讲座:识别电信诈骗", ["elderly"], (55, None), 90),
    ("science", ActivityKind.TRAINING, "老年人智能手机使用培训", ["elderly"], (60, None), 120),
    ("overseas", ActivityKind.CULTURE, "侨界中秋联谊会", ["overseas"], (None, None), 150),
    ("overseas", ActivityKind.LECTURE, "归侨侨眷政策宣讲", ["overseas"], (None, None), 90),
    ("disabled", ActivityKind.TRAINING, "残疾人就业技能培训", ["disabled"], (16, 60), 180),
    ("disabled", ActivityKind.VOLUNTEER, "助残志愿服务日", ["disabled"], (None, None), 120),
]
START_HOURS = [time(9, 0), time(9, 30), time(14, 0), time(14, 30), time(15, 0), time(19, 0)]
ACTIVITY_COUNT = 42
DESCRIPTION = "本活动由{org}主办,面向辖区居民免费开放,名额有限,请提前报名。活动当天请凭签到二维码入场。"


@dataclass
class SeedResult:
    created: bool
    counts: dict = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _staff(org: Organization) -> list[User]:
    ids = Membership.objects.filter(organization=org, user__is_active=True).order_by("user_id").values_list(
        "user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


def seed_activities(district: Region, rng: random.Random, *, today: date | None = None) -> SeedResult:
    """Create the demo venues and activities of ``district``; nothing if it has venues already."""
    if Venue.objects.filter(owner__district=district).exists():
        return SeedResult(created=False)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    orgs = {o.code: o for o in Organization.objects.filter(district=district, is_active=True).order_by("id")}
    staff = {code: _staff(org) for code, org in orgs.items()}
    staff = {code: people for code, people in staff.items() if people}
    mass = [orgs[c] for c in ("union", "youth", "women", "science", "overseas", "disabled") if c in orgs]
    residents = list(User.objects.filter(role=Role.RESIDENT, region=district, is_active=True).order_by("pk")[:400])
    result = SeedResult(created=True)
    if not staff or not mass:
        result.refused.append("区内没有组织或工作人员,未生成活动。")
        return result

    venues: dict[str, list[Venue]] = {}
    streets = list(Region.objects.filter(district=district, level=Region.Level.STREET).order_by("code"))
    for street in streets:
        community = Region.objects.filter(parent=street, level=Region.Level.COMMUNITY).order_by("code").first()
        if community is None:
            continue
        for name, owner_code, capacity, facilities, hours, shared in VENUE_KINDS:
            code = owner_code if owner_code in staff else next(c for c in ("union", *staff) if c in staff)
            owner = orgs[code]
            venue = services.venue_create(
                actor=staff[code][0], owner=owner, community=community, name=f"{street.name}{name}",
                address=f"{street.name}{community.name}{rng.randint(1, 199)}号", capacity=capacity,
                facilities=facilities, opening_hours=hours, buffer_minutes=rng.choice([15, 30, 30]),
                bookable_by=[o for o in mass if o.pk != owner.pk] if shared else [],
            )
            venues.setdefault(code, []).append(venue)
            if shared:
                for org in mass:
                    if org.pk != owner.pk:
                        venues.setdefault(org.code, []).append(venue)

    counts = {"venues": Venue.objects.filter(owner__district=district).count(), "activities": 0,
              "registrations": 0, "checkins": 0, "walk_ins": 0}
    plans = [p for p in PLANS if p[0] in staff]
    for n in range(ACTIVITY_COUNT):
        code, kind, title, groups, (age_min, age_max), minutes = plans[n % len(plans)]
        org, actor = orgs[code], rng.choice(staff[code])
        day = today + timedelta(days=rng.randint(-28, 28))
        options = venues.get(code, [])
        venue = rng.choice(options) if options and rng.random() < 0.85 else None
        activity = None
        for attempt in range(6):
            start = datetime.combine(day + timedelta(days=attempt // 3), rng.choice(START_HOURS), tzinfo=tz)
            end = start + timedelta(minutes=minutes)
            capacity = min(venue.capacity, rng.choice([12, 20, 30])) if venue else rng.choice([15, 20, 30])
            data = services.ActivityInput(
                kind=kind, title=title, description=DESCRIPTION.format(org=org.name), start=start, end=end,
                capacity=capacity, venue=venue,
                address="" if venue else f"{rng.choice(streets).name}文化广场" if streets else "区文化广场",
                community=None if venue else (venue_community(streets, rng)),
                age_min=age_min, age_max=age_max, audience_groups=groups,
                registration_closes=start - timedelta(hours=2), needs_approval=rng.random() < 0.15,
                contact_name=actor.name, contact_phone=org.phone or "",
            )
            try:
                activity = services.activity_create(actor=actor, primary_host=org, data=data,
                                                    co_hosts=[rng.choice(mass)] if rng.random() < 0.2 else [])
                break
            except ApplicationError as exc:
                result.refused.append(f"{title}:{exc.message}")
        if activity is None:
            continue
        counts["activities"] += 1
        if n % 10 == 9:
            continue  # a draft
        services.activity_publish(actor=actor, activity=activity, now=activity.start - timedelta(days=10))
        counts["registrations"] += _register(activity, residents, rng)
        if activity.end <= timezone.now():
            checked, walk_ins = _attend(activity, actor, rng)
            counts["checkins"] += checked
            counts["walk_ins"] += walk_ins
        elif n % 10 == 4 and activity.start > timezone.now():
            services.activity_cancel(actor=actor, activity=activity, reason="因场地维修,活动取消,敬请谅解。")
    result.counts = counts
    return result


def venue_community(streets: list[Region], rng: random.Random) -> Region | None:
    if not streets:
        return None
    street = rng.choice(streets)
    return Region.objects.filter(parent=street, level=Region.Level.COMMUNITY).order_by("code").first()


def _register(activity, residents: list[User], rng: random.Random) -> int:
    if not residents:
        return 0
    wanted = min(len(residents), int(activity.capacity * rng.uniform(0.3, 1.15)))
    chosen = rng.sample(residents, wanted)
    moment = activity.start - timedelta(days=5)
    done = 0
    for i, person in enumerate(chosen):
        registration = services.registration_create(resident=person, activity=activity,
                                                    now=moment + timedelta(minutes=7 * i))
        done += 1
        if registration.status == "pending" and rng.random() < 0.8:
            services.registration_approve(actor=activity.host_staff.first(), registration=registration)
    return done


def _attend(activity, actor, rng: random.Random) -> tuple[int, int]:
    checked = 0
    for registration in activity.registrations.filter(status="confirmed").order_by("seq"):
        if rng.random() < 0.8:
            services.checkin_by_code(actor=actor, activity=activity,
                                     code=services.registration_short_code(registration),
                                     now=activity.start - timedelta(minutes=rng.randint(0, 20)))
            checked += 1
    walk_ins = rng.randint(0, 3)
    for _ in range(walk_ins):
        services.checkin_walk_in(actor=actor, activity=activity, name=rng.choice(["王", "李", "张", "刘", "陈"]) + "先生",
                                 now=activity.start + timedelta(minutes=10))
    return checked, walk_ins
