"""The demo district: a fictional city (示例市) with one district (示例区), its organizations,
staff, residents and a few hundred cases in every state.

Deterministic: everything is drawn from ``random.Random(SEED)``; the only input is the day the
demo is anchored to (today by default), because the cases are spread over the months before it.
Idempotent: if the district exists nothing is created (``--reset`` in the command rebuilds).

The cases are made by the real case services (quntuan.cases.services), so every event row, receipt,
notification and deadline is exactly what the platform itself produces. To give each case a
believable history, every step of every case — and a daily escalation sweep — is replayed in
date order with the clock moved to that moment (time-machine): deadlines follow the working
calendar of the day the case came in, reminders and yellow/red flags are raised by the sweep on
the day they fall due, follow-ups open when a closed case stays unrated.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations import demo_text as text
from quntuan.organizations.models import DistrictRules, Membership, Organization, Region, Workstation

logger = logging.getLogger(__name__)

SEED = 20261122
CITY_CODE = "990000"
DISTRICT_CODE = "990100"
RESIDENT_COUNT = 320
FEATURED_RESIDENTS = 5  # listed in the logins file
HISTORY_DAYS = 150  # cases are spread over about five months before the anchor day

# Demo passwords: 8+ characters with upper case, lower case, digits and a symbol.
PASSWORDS = {
    "admin": "Admin-Demo-2026",
    "staff": "Staff-Demo-2026",
    "resident": "Jumin-Demo-2026",
}

# A 1×1 grey PNG, attached to a few cases as the resident's "photo".
DEMO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c63d8010000ba00b99e9ee2050000000049454e44ae426082"
)

MASS_ORGS = ("union", "youth", "women", "science", "overseas", "disabled")

# final state of a case → how many demo cases end there
SCENARIOS: dict[str, int] = {
    "pending": 18,
    "in_progress": 28,
    "transferring": 12,
    "transfer_accepted": 14,
    "transfer_returned": 5,
    "awaiting_material": 12,
    "material_then_closed": 8,
    "extension_pending": 8,
    "extension_approved": 8,
    "extension_rejected_closed": 4,
    "cohandling_open": 8,
    "cohandled_closed": 10,
    "closed_satisfied": 62,
    "closed_transferred_satisfied": 12,
    "closed_basic": 24,
    "dissatisfied_reopened": 10,
    "reopened_closed_again": 8,
    "followup_open": 12,
    "followup_done": 12,
    "transferred_out": 10,
    "overdue_yellow": 8,
    "overdue_red": 10,
    "late_closed": 10,
}
MERGED_REPEATS = 3  # repeat reports merged into an open case (scenario "merged", after the others)
OPEN_SCENARIOS = {
    "pending", "in_progress", "transferring", "transfer_accepted", "transfer_returned",
    "awaiting_material", "extension_pending", "extension_approved", "cohandling_open",
    "dissatisfied_reopened", "overdue_yellow", "overdue_red",
}


# --- the plan: a pure function of the seed and the anchor day ---------------------------------------
@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    login: str  # username for staff, mobile for residents
    role: str
    organization: str = ""  # org code
    workstation: int | None = None  # index into communities
    extra_orgs: tuple[str, ...] = ()
    membership_role: str = Membership.Role.STAFF
    on_duty: bool = False
    community: int | None = None


@dataclass(frozen=True)
class CaseSpec:
    index: int
    scenario: str
    category: str
    title: str
    content: str
    resident: int
    community: int
    channel: str
    received_at: datetime
    transfer_to: str = ""
    cohandler: str = ""
    urgent: bool = False
    merge_into: int | None = None  # a repeat report: the index of the case it repeats


@dataclass
class DemoPlan:
    staff: list[PersonSpec] = field(default_factory=list)
    residents: list[PersonSpec] = field(default_factory=list)
    cases: list[CaseSpec] = field(default_factory=list)


def _name(rng: random.Random) -> str:
    given_len = 1 if rng.random() < 0.3 else 2
    return rng.choice(text.SURNAMES) + "".join(rng.choice(text.GIVEN_CHARS) for _ in range(given_len))


def communities() -> list[tuple[int, str, str]]:
    """(street index, street name, community name) in a fixed order."""
    return [(i, street, c) for i, (street, names) in enumerate(text.STREETS) for c in names]


def build_plan(anchor: date) -> DemoPlan:
    """Everything the demo will contain, decided before touching the database."""
    rng = random.Random(SEED)
    plan = DemoPlan()
    comms = communities()
    tz = timezone.get_default_timezone()

    staff = plan.staff
    staff.append(PersonSpec("admin", "平台管理员", "admin", Role.PLATFORM_ADMIN))
    staff.append(PersonSpec("security", _name(rng), "security", Role.SECURITY_ADMIN))
    staff.append(PersonSpec("auditor", _name(rng), "auditor", Role.AUDITOR))
    staff.append(PersonSpec("supervisor", _name(rng), "supervisor", Role.SUPERVISOR))
    ws_cursor = itertools.cycle(range(len(comms)))
    for code in MASS_ORGS:
        staff.append(PersonSpec(f"{code}_leader", _name(rng), f"{code}_leader", Role.ORG_LEADER, code,
                                membership_role=Membership.Role.LEADER))
        staff.append(PersonSpec(f"{code}_duty", _name(rng), f"{code}_duty", Role.STAFF, code, on_duty=True))
        for n in range(1, 5):
            # staff 3 and 4 also serve at a community workstation
            ws = next(ws_cursor) if n >= 3 else None
            staff.append(PersonSpec(f"{code}_staff{n}", _name(rng), f"{code}_staff{n}", Role.STAFF, code,
                                    workstation=ws))
    # one full-time worker per workstation, on duty there for one organization and serving a second
    for i in range(len(comms)):
        first, second = MASS_ORGS[i % 6], MASS_ORGS[(i + 2) % 6]
        staff.append(PersonSpec(f"ws{i + 1:02d}", _name(rng), f"ws{i + 1:02d}", Role.STAFF, first,
                                workstation=i, extra_orgs=(second,), on_duty=True))
    for code, _org_name, kind in text.OTHER_ORGS:
        role = Role.SOCIAL_ORG if kind == "social" else Role.STAFF
        staff.append(PersonSpec(f"{code}_leader", _name(rng), f"{code}-leader", role, code,
                                membership_role=Membership.Role.LEADER))
        staff.append(PersonSpec(f"{code}_staff", _name(rng), f"{code}-staff", role, code, on_duty=True))

    mobiles: set[str] = set()
    while len(plan.residents) < RESIDENT_COUNT:
        mobile = rng.choice(text.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if mobile in mobiles:
            continue
        mobiles.add(mobile)
        n = len(plan.residents)
        plan.residents.append(PersonSpec(f"resident{n + 1}", _name(rng), mobile, Role.RESIDENT,
                                         community=rng.randrange(len(comms))))

    recent_weekdays = [d for d in (anchor - timedelta(days=n) for n in range(1, 8)) if d.weekday() < 5]
    index = 0
    categories = sorted(text.TOPICS)
    mass_categories = [c for c in categories if not c.startswith("other.")]
    for scenario, count in SCENARIOS.items():
        for _ in range(count):
            category = "other.government" if scenario == "transferred_out" else rng.choice(mass_categories)
            title, content = rng.choice(text.TOPICS[category])
            # the residents listed in the logins file have several cases each
            resident = rng.randrange(FEATURED_RESIDENTS) if rng.random() < 0.12 else rng.randrange(RESIDENT_COUNT)
            community = plan.residents[resident].community
            street = comms[community][1]
            content = content.format(community=comms[community][2], street=street)
            title = title.format(community=comms[community][2], street=street)
            online = rng.random() < 0.7 or scenario == "pending"
            channel = rng.choice(["web", "mobile", "wechat"]) if online else rng.choice(["phone", "walk_in"])
            # Every case comes in before the anchor day, so the plan does not depend on the hour
            # the demo is generated at; open ones recently, so most are still within their time.
            # Open cases on one of the last weekdays before it (their next-day steps then still
            # fall before the anchor day), so most are still within their time.
            if scenario == "pending":
                day, hours = anchor - timedelta(days=1), [17, 18, 19, 20, 21]
            elif scenario in OPEN_SCENARIOS:
                day, hours = recent_weekdays[rng.randint(1, 2)], [8, 9, 10, 11, 14, 15]
            else:
                day = anchor - timedelta(days=rng.randint(20, HISTORY_DAYS))
                hours = [8, 9, 10, 11, 14, 15, 16, 19]
            received = datetime.combine(day, time(rng.choice(hours), rng.randrange(60)), tz)
            own_org = category.split(".")[0]
            others = [o for o in MASS_ORGS if o != own_org]
            plan.cases.append(CaseSpec(
                index=index, scenario=scenario, category=category, title=title, content=content,
                resident=resident, community=community, channel=channel, received_at=received,
                transfer_to=rng.choice(others), cohandler=rng.choice(others),
                urgent=rng.random() < 0.05,
            ))
            index += 1
    # repeat reports of open matters, told by other residents in other words, merged into the first
    for original in rng.sample([c for c in plan.cases if c.scenario == "in_progress"], MERGED_REPEATS):
        title, content = rng.choice(text.TOPICS[original.category])
        place = {"community": comms[original.community][2], "street": comms[original.community][1]}
        plan.cases.append(CaseSpec(
            index=index, scenario="merged", category=original.category, title=title.format(**place),
            content=content.format(**place), resident=rng.randrange(RESIDENT_COUNT), community=original.community,
            channel="web", received_at=original.received_at + timedelta(hours=2), merge_into=original.index,
        ))
        index += 1
    return plan


# --- writing it ----------------------------------------------------------------------------------------
@dataclass
class DemoResult:
    created: bool
    accounts: list[dict]
    counts: dict = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def demo_district() -> Region | None:
    return Region.objects.filter(code=DISTRICT_CODE).first()


def accounts_for(plan: DemoPlan, *, residents: int = FEATURED_RESIDENTS) -> list[dict]:
    """The demo logins: every staff account and the first few residents."""
    orgs = {code: name for code, name, _kind in text.OTHER_ORGS}
    from quntuan.catalog import data as catalog_data

    orgs.update({spec["code"]: spec["name"] for spec in catalog_data.ORGANIZATIONS})
    comms = communities()
    rows = []
    for p in plan.staff + plan.residents[:residents]:
        password = PASSWORDS["admin" if p.key == "admin" else "resident" if p.role == Role.RESIDENT else "staff"]
        org_names = [orgs[c] for c in (p.organization, *p.extra_orgs) if c]
        rows.append({
            "role": p.role, "role_name": str(Role(p.role).label), "login": p.login, "password": password,
            "name": p.name, "organization": "、".join(org_names),
            "workstation": f"{comms[p.workstation][2]}群团工作站" if p.workstation is not None else "",
        })
    return rows


def write_accounts(accounts: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(accounts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def seed_demo(*, anchor: date | None = None, accounts_path: Path | None = None, log=None,
              domains: bool = True) -> DemoResult:
    """Create the demo district (or do nothing if it exists), then, with ``domains``, each
    domain's demo data (activities, volunteers, assessment), each of which is skipped when it is
    already there. ``log`` receives progress lines."""
    log = log or (lambda _msg: None)
    anchor = anchor or timezone.localdate()
    plan = build_plan(anchor)
    accounts = accounts_for(plan)
    path = accounts_path or Path(settings.VAR_DIR) / "demo-accounts.json"
    if demo_district() is not None:
        domain_counts = seed_domains(demo_district(), anchor, log) if domains else {}
        write_accounts(accounts, path)
        return DemoResult(created=False, accounts=accounts, counts=domain_counts)

    _load_calendar(anchor)
    with _quiet():
        builder = _Builder(plan, anchor, log)
        builder.build_static()
        builder.replay_cases()
    counts = builder.counts()
    if domains:
        counts.update(seed_domains(demo_district(), anchor, log))
    write_accounts(accounts, path)
    return DemoResult(created=True, accounts=accounts, counts=counts, refused=builder.refused)


def seed_domains(district: Region, anchor: date, log) -> dict:
    """Each domain's own demo data on top of the district; each seeder does nothing when its
    data exists. Returns {domain: counts} for those that created something."""
    from quntuan.activities.demo import seed_activities
    from quntuan.assessment.demo import seed_assessment
    from quntuan.programs.demo import seed_programs
    from quntuan.routing.demo import seed_routing
    from quntuan.volunteers.demo import seed_volunteers

    seeders = [("activities", seed_activities), ("volunteers", seed_volunteers), ("assessment", seed_assessment),
               ("routing", seed_routing), ("programs", seed_programs)]
    created = {}
    with _quiet():
        for offset, (name, seeder) in enumerate(seeders, start=2):
            result = seeder(district, random.Random(SEED + offset), today=anchor)
            if result.created:
                counts = getattr(result, "counts", None) or {
                    k: v for k, v in vars(result).items() if k != "created" and isinstance(v, int)}
                log(f"{name}: {counts}")
                created[name] = counts
    return created


def _load_calendar(anchor: date) -> None:
    from quntuan.workdays.services import calendar_load_official

    for year in sorted({2025, 2026, anchor.year - 1, anchor.year, anchor.year + 1}):
        calendar_load_official(year=year)


class _quiet:
    """No console e-mail or SMS log lines while hundreds of cases notify their requesters."""

    def __enter__(self):
        self._override = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        self._override.enable()
        self._logger = logging.getLogger("quntuan")
        self._level = self._logger.level
        self._logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)
        self._override.disable()
        from django.core import mail

        mail.outbox = []
        return False


class _Builder:
    def __init__(self, plan: DemoPlan, anchor: date, log: Callable[[str], None]):
        self.plan = plan
        self.anchor = anchor
        self.log = log
        self.rng = random.Random(SEED + 1)
        self.refused: list[str] = []
        self.users: dict[str, User] = {}
        self.residents: list[User] = []
        self.orgs: dict[str, Organization] = {}
        self.community_regions: list[Region] = []
        self.workstations: list[Workstation] = []

    # ---- static reference data ----
    @transaction.atomic
    def build_static(self) -> None:
        from quntuan.catalog.services import catalog_seed

        city = Region.objects.create(code=CITY_CODE, name=text.CITY_NAME, level=Region.Level.CITY)
        district = Region.objects.create(code=DISTRICT_CODE, name=text.DISTRICT_NAME,
                                         level=Region.Level.DISTRICT, parent=city)
        district.district = district
        district.save(update_fields=["district"])
        self.district = district
        DistrictRules.objects.get_or_create(district=district)
        for s, (street_name, names) in enumerate(text.STREETS, start=1):
            street = Region.objects.create(code=f"{DISTRICT_CODE}{s:03d}", name=street_name,
                                           level=Region.Level.STREET, parent=district, district=district)
            for c, name in enumerate(names, start=1):
                community = Region.objects.create(code=f"{DISTRICT_CODE}{s:03d}{c:03d}", name=name,
                                                  level=Region.Level.COMMUNITY, parent=street, district=district)
                self.community_regions.append(community)
                self.workstations.append(Workstation.objects.create(
                    community=community, name=f"{name}群团工作站",
                    address=f"{text.CITY_NAME}{text.DISTRICT_NAME}{street_name}{name}党群服务中心一楼",
                    phone=f"0999-6{s:02d}{c:02d}{s * 7 % 10}{c * 3 % 10}",
                ))
        catalog_seed(district)
        self.orgs = {o.code: o for o in Organization.objects.filter(district=district)}
        for code, name, kind in text.OTHER_ORGS:
            self.orgs[code] = Organization.objects.create(district=district, code=code, name=name, kind=kind,
                                                          address=f"{text.DISTRICT_NAME}{name[len(text.DISTRICT_NAME):][:2]}路")
        self._build_people()

    def _build_people(self) -> None:
        hashes = {k: make_password(v) for k, v in PASSWORDS.items()}
        staff_users = []
        for p in self.plan.staff:
            staff_users.append(User(
                username=p.login, name=p.name, role=p.role, region=self.district,
                password=hashes["admin" if p.key == "admin" else "staff"],
                is_staff=p.key == "admin", is_superuser=p.key == "admin",
            ))
        User.objects.bulk_create(staff_users)
        by_login = {u.username: u for u in User.objects.filter(username__in=[p.login for p in self.plan.staff])}
        memberships = []
        # organization-level memberships first: the first on-duty member of an organization is the
        # one online cases go to
        for p in sorted(self.plan.staff, key=lambda p: p.workstation is not None):
            user = by_login[p.login]
            self.users[p.key] = user
            if not p.organization:
                continue
            ws = self.workstations[p.workstation] if p.workstation is not None else None
            if p.key.startswith("ws"):
                memberships.append(Membership(user=user, organization=self.orgs[p.organization], workstation=ws,
                                              is_on_duty_receiver=True))
                for extra in p.extra_orgs:
                    memberships.append(Membership(user=user, organization=self.orgs[extra], workstation=ws))
                continue
            memberships.append(Membership(user=user, organization=self.orgs[p.organization],
                                          role=p.membership_role, is_on_duty_receiver=p.on_duty))
            if ws is not None:
                memberships.append(Membership(user=user, organization=self.orgs[p.organization], workstation=ws))
        Membership.objects.bulk_create(memberships)

        residents = [
            User(mobile=p.login, name=p.name, role=Role.RESIDENT, region=self.district,
                 community=self.community_regions[p.community], password=hashes["resident"],
                 date_joined=timezone.now() - timedelta(days=HISTORY_DAYS + 30))
            for p in self.plan.residents
        ]
        User.objects.bulk_create(residents)
        by_mobile = {u.mobile: u for u in User.objects.filter(mobile__in=[p.login for p in self.plan.residents])}
        self.residents = [by_mobile[p.login] for p in self.plan.residents]

    # ---- the cases ----
    def replay_cases(self) -> None:
        import time_machine

        from quntuan.workdays.services import calendar_for_years

        self.cal = calendar_for_years(range(self.anchor.year - 1, self.anchor.year + 2))
        self.services_by_category: dict[str, list] = {}
        from quntuan.catalog.models import Category, Service

        for service in Service.objects.filter(organization__district=self.district).select_related("category"):
            self.services_by_category.setdefault(service.category.code, []).append(service)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.staff_by_org: dict[int, list[User]] = {}
        self.leader_by_org: dict[int, User] = {}
        for m in Membership.objects.filter(organization__district=self.district, workstation__isnull=True) \
                .select_related("user").order_by("id"):
            if m.role == Membership.Role.LEADER:
                self.leader_by_org.setdefault(m.organization_id, m.user)
            else:
                self.staff_by_org.setdefault(m.organization_id, []).append(m.user)
        self.case_ids: dict[int, int] = {}
        self.rules = DistrictRules.objects.get(district=self.district)

        self.service_for = {spec.index: self._choose_service(spec) for spec in self.plan.cases}
        tz = timezone.get_default_timezone()
        cutoff = datetime.combine(self.anchor, time(0), tz)
        steps: list[tuple[datetime, int, int, Callable[[], None]]] = []
        for spec in self.plan.cases:
            for n, (at, action) in enumerate(self._steps_for(spec, cutoff)):
                steps.append((at, spec.index, n, action))
        # the escalation sweep every morning, and on the anchor day just after midnight
        day = min(s[0] for s in steps).date()
        while day <= self.anchor:
            at = datetime.combine(day, time(7, 30) if day < self.anchor else time(0, 5), tz)
            steps.append((at, -1, 0, lambda d=day: self._sweep(d)))
            day += timedelta(days=1)
        steps.sort(key=lambda s: (s[0], s[1], s[2]))
        self.log(f"重放 {len(self.plan.cases)} 件诉求的 {len(steps)} 个步骤……")
        for at, _index, _n, action in steps:
            with time_machine.travel(at, tick=False):
                action()

    def _sweep(self, day: date) -> None:
        from quntuan.cases.services import escalation_sweep

        escalation_sweep(today=day)

    def counts(self) -> dict:
        from quntuan.cases.models import Case, CaseEvent

        cases = Case.objects.filter(district=self.district)
        return {
            "regions": Region.objects.filter(district=self.district).count(),
            "workstations": len(self.workstations),
            "organizations": len(self.orgs),
            "staff": len(self.plan.staff),
            "residents": len(self.residents),
            "cases": cases.count(),
            "events": CaseEvent.objects.filter(case__district=self.district).count(),
            "by_status": dict(Counter(cases.values_list("status", flat=True))),
        }

    # helpers for the steps
    def _at(self, received: datetime, workdays: int, hour: int, minute: int = 0) -> datetime:
        """``hour``:``minute`` on the n-th working day after ``received`` (n = 0: the first working
        day on or after it)."""
        return datetime.combine(self.cal.add_workdays(received.date(), workdays), time(hour, minute), received.tzinfo)

    def _case(self, spec: CaseSpec):
        from quntuan.cases.models import Case

        pk = self.case_ids.get(spec.index)
        return Case.objects.get(pk=pk) if pk else None

    def _staff_of(self, org_id: int, *, exclude=None) -> User:
        people = [u for u in self.staff_by_org.get(org_id, []) if u != exclude] or self.staff_by_org[org_id]
        return people[self.rng.randrange(len(people))]

    def _run(self, spec: CaseSpec, label: str, fn: Callable) -> None:
        case = self._case(spec)
        if case is None:
            return
        try:
            fn(case)
        except ApplicationError as exc:
            self.refused.append(f"{spec.scenario}#{spec.index} {label}: {exc.message}")
            logger.warning("demo step refused: %s #%s %s: %s", spec.scenario, spec.index, label, exc.message)

    def _choose_service(self, spec: CaseSpec):
        """The catalogue service a case is about (None for government matters). Open cases get a
        求助 or 投诉维权 service (5 or 15 working days) and overdue ones a 求助 service, so that
        their place on the clock is the one the scenario wants."""
        if spec.category == "other.government":
            return None
        rng = random.Random(SEED * 7 + spec.index)
        services = self.services_by_category.get(spec.category, [])
        wanted = ("help",) if spec.scenario in ("overdue_yellow", "overdue_red") else \
            ("help", "complaint") if spec.scenario in OPEN_SCENARIOS else None
        if wanted:
            services = [s for s in services if s.time_limit_class in wanted] or [
                s for code in sorted(self.services_by_category) if not code.startswith("other.")
                for s in self.services_by_category[code] if s.time_limit_class == "help"
            ][:1]
        return services[rng.randrange(len(services))] if services else None

    def _limit_days(self, spec: CaseSpec) -> int:
        service = self.service_for.get(spec.index)
        return self.rules.limit_days(service.time_limit_class if service else "help")

    def _submit(self, spec: CaseSpec) -> None:
        from quntuan.cases import services as cs

        resident = self.residents[spec.resident]
        community = self.community_regions[spec.community]
        service = self.service_for.get(spec.index)
        kwargs = dict(
            district=self.district, title=spec.title, content=spec.content, requester=resident,
            requester_name=resident.name, requester_mobile=resident.mobile, channel=spec.channel,
            service=service, category=service.category if service else self.categories.get(spec.category),
            community=community,
            is_urgent=spec.urgent and spec.scenario not in OPEN_SCENARIOS,
            idempotency_key=f"demo-{SEED}-{spec.index}",
        )
        if spec.channel in ("phone", "walk_in"):
            if spec.channel == "walk_in":
                ws = self.workstations[spec.community]
                worker = self.users[f"ws{spec.community + 1:02d}"]
                kwargs.update(received_by=worker, received_org=worker.memberships.filter(
                    is_on_duty_receiver=True).first().organization, workstation=ws)
            else:
                org = self.orgs[service.organization.code if service else "union"]
                kwargs.update(received_by=self.staff_by_org[org.pk][0], received_org=org)
        try:
            case = cs.case_submit(**kwargs)
        except ApplicationError as exc:
            self.refused.append(f"{spec.scenario}#{spec.index} submit: {exc.message}")
            return
        self.case_ids[spec.index] = case.pk

    def _steps_for(self, spec: CaseSpec, cutoff: datetime) -> list[tuple[datetime, Callable[[], None]]]:
        """The steps of one case, as (moment, action). Steps from ``cutoff`` (the anchor day's
        midnight) on are dropped, so the demo is the same whatever the hour it is made at."""
        from quntuan.cases import services as cs
        from quntuan.cases.models import CaseStatus, Rating

        r = spec.received_at
        sc = spec.scenario
        rng = random.Random(SEED * 1000 + spec.index)
        steps: list[tuple[datetime, Callable[[], None]]] = [(r, lambda: self._submit(spec))]

        def add(at: datetime, label: str, fn: Callable) -> None:
            if steps and at <= steps[-1][0]:
                at = steps[-1][0] + timedelta(minutes=rng.randint(20, 90))
            steps.append((at, lambda: self._run(spec, label, fn)))

        def handler_of(case):
            return case.handler or self._staff_of(case.handling_org_id)

        def contact(case):
            if case.status == CaseStatus.PENDING:
                cs.case_contact(case=case, actor=case.first_inquirer, note="已电话联系诉求人,了解详细情况。")

        def other_org(case, preferred: str) -> Organization:
            if self.orgs[preferred].pk not in (case.handling_org_id, case.first_inquirer_org_id):
                return self.orgs[preferred]
            return next(self.orgs[c] for c in MASS_ORGS
                        if self.orgs[c].pk not in (case.handling_org_id, case.first_inquirer_org_id))

        def transfer(case):
            cs.case_transfer(case=case, actor=handler_of(case), to_org=other_org(case, spec.transfer_to),
                             reason="经核实,该事项属于对方单位职责范围,转请办理。")

        def accept(case):
            cs.case_transfer_accept(case=case, actor=self._staff_of(case.transfer_to_org_id))

        def give_back(case):
            cs.case_transfer_return(case=case, actor=self._staff_of(case.transfer_to_org_id),
                                    reason="该事项不属于本单位职责,退回首问单位。")

        def informed(case):
            cs.case_confirm_requester_informed(case=case, actor=case.first_inquirer)

        def close(case, result=None):
            cs.case_reply_and_close(case=case, actor=handler_of(case), result=result or rng.choice(text.RESULTS))

        def rate(level, solved=True):
            def do(case):
                cs.case_rate(case=case, actor=case.requester, solved=solved, level=level,
                             comment=rng.choice(text.COMMENTS[level]))
            return do

        def ask_material(case):
            cs.case_request_material(case=case, actor=handler_of(case),
                                     materials="请补充身份证复印件和相关证明材料(如劳动合同、病历等)。")

        def supply(case):
            cs.case_supply_material(case=case, actor=case.requester, note="已补充身份证复印件和证明材料。")

        def extend(case):
            cs.case_request_extension(case=case, actor=handler_of(case), days=5,
                                      reason="需要协调多个单位共同核实,申请延期五个工作日。")

        def decide(approve):
            def do(case):
                leader = self.leader_by_org[case.handling_org_id]
                cs.case_decide_extension(case=case, actor=leader, approve=approve,
                                         note="同意延期,请抓紧办理。" if approve else "时限内可以办结,不同意延期。")
            return do

        def cohandle(case):
            cs.case_add_cohandler(case=case, actor=handler_of(case), organization=other_org(case, spec.cohandler),
                                  task="请协助核实相关情况并提供政策意见。", days=3)

        def cohandler_reply(case):
            co = case.cohandlings.filter(status="open").first()
            if co is None:
                raise ApplicationError("没有待答复的协办")
            cs.case_cohandler_reply(cohandling=co, actor=self._staff_of(co.organization_id),
                                    reply="已核实,情况属实,建议按相关政策给予帮扶。")

        def note(case):
            cs.case_add_note(case=case, actor=handler_of(case), note="已电话联系用人单位,对方承诺本周内答复。")

        def transfer_out(case):
            cs.case_transfer_out(case=case, actor=handler_of(case),
                                 department=rng.choice(text.GOVERNMENT_DEPARTMENTS),
                                 note="该事项属于政府部门职责,已转交并告知诉求人。")

        def followup(case):
            fu = case.followups.filter(status="open").first()
            if fu is None:
                raise ApplicationError("没有待回访记录")
            outcome = rng.choice(["satisfied", "satisfied", "basic", "unreachable"])
            cs.followup_record(followup=fu, actor=handler_of(case), outcome=outcome,
                               solved=outcome != "unreachable",
                               note="电话回访,诉求人对办理结果表示认可。" if outcome != "unreachable"
                               else "连续三次电话未接通。")

        def attach(case):
            upload = SimpleUploadedFile("现场照片.png", DEMO_PNG, content_type="image/png")
            cs.case_attachment_add(case=case, actor=case.requester, uploaded_file=upload)

        def personal_data(case):
            cs.case_personal_data_view(case=case, actor=handler_of(case))

        online = spec.channel in ("web", "mobile", "wechat")

        def do_contact():
            if online:
                late = r.hour >= 16 or not self.cal.is_workday(r.date())
                add(self._at(r, 1 if late else 0, 9 if late else r.hour + 1, rng.randrange(60)), "contact", contact)

        if sc == "pending":
            pass
        elif sc == "in_progress":
            if rng.random() < 0.3:
                add(r + timedelta(minutes=5), "attachment", attach)
            do_contact()
            if rng.random() < 0.4:
                add(r + timedelta(hours=5), "note", note)
            if rng.random() < 0.3:
                add(r + timedelta(hours=6), "personal data", personal_data)
        elif sc in ("transferring", "transfer_accepted", "transfer_returned", "closed_transferred_satisfied"):
            do_contact()
            add(r + timedelta(hours=3), "transfer", transfer)
            if sc == "transfer_accepted":
                add(self._at(r, 1, 10), "accept", accept)
                add(self._at(r, 1, 11), "informed", informed)
            elif sc == "transfer_returned":
                add(self._at(r, 1, 10), "return", give_back)
            elif sc == "closed_transferred_satisfied":
                add(self._at(r, 1, 10), "accept", accept)
                add(self._at(r, 1, 11), "informed", informed)
                add(self._at(r, 3, 15), "close", close)
                add(self._at(r, 4, 10), "rate", rate(Rating.Level.SATISFIED))
        elif sc == "awaiting_material":
            do_contact()
            add(r + timedelta(hours=4), "ask material", ask_material)
        elif sc == "material_then_closed":
            do_contact()
            add(self._at(r, 1, 10), "ask material", ask_material)
            add(self._at(r, 3, 16), "supply", supply)
            add(self._at(r, 6, 11), "close", close)
            add(self._at(r, 7, 9), "rate", rate(Rating.Level.SATISFIED))
        elif sc in ("extension_pending", "extension_approved"):
            do_contact()
            add(r + timedelta(hours=6), "extend", extend)
            if sc == "extension_approved":
                add(self._at(r, 1, 9), "approve", decide(True))
        elif sc == "extension_rejected_closed":
            do_contact()
            add(self._at(r, 1, 10), "extend", extend)
            add(self._at(r, 1, 16), "reject", decide(False))
            add(self._at(r, 3, 15), "close", close)
            add(self._at(r, 4, 9), "rate", rate(Rating.Level.BASIC))
        elif sc == "cohandling_open":
            do_contact()
            add(r + timedelta(hours=5), "cohandle", cohandle)
        elif sc == "cohandled_closed":
            do_contact()
            add(self._at(r, 1, 9), "cohandle", cohandle)
            add(self._at(r, 2, 15), "cohandler reply", cohandler_reply)
            add(self._at(r, 4, 10), "close", close)
            add(self._at(r, 5, 9), "rate", rate(Rating.Level.SATISFIED))
        elif sc in ("closed_satisfied", "closed_basic"):
            do_contact()
            if rng.random() < 0.3:
                add(self._at(r, 1, 11), "note", note)
            close_day = min(self._limit_days(spec), rng.randint(1, 4))
            add(self._at(r, close_day, rng.choice([10, 15, 16])), "close", close)
            level = Rating.Level.SATISFIED if sc == "closed_satisfied" else Rating.Level.BASIC
            add(self._at(r, close_day + 1, rng.choice([9, 20])), "rate",
                rate(level, solved=sc == "closed_satisfied" or rng.random() < 0.6))
        elif sc in ("dissatisfied_reopened", "reopened_closed_again"):
            if sc == "dissatisfied_reopened":
                # received recently, so the reopened case is still within its time
                r = (spec.received_at - timedelta(days=6)).replace(hour=9)
                steps[0] = (r, steps[0][1])
            do_contact()
            add(self._at(r, 1, 15), "close", close)
            add(self._at(r, 2, 9), "rate", rate(Rating.Level.DISSATISFIED, solved=False))
            if sc == "reopened_closed_again":
                add(self._at(r, 5, 15), "close again", lambda case: close(case, text.REPLIES_AFTER_REOPEN))
                add(self._at(r, 6, 10), "rate again", rate(rng.choice([Rating.Level.SATISFIED, Rating.Level.BASIC])))
        elif sc in ("followup_open", "followup_done"):
            do_contact()
            if sc == "followup_open":
                r = spec.received_at - timedelta(days=12)
                steps[0] = (r, steps[0][1])
                steps[1:] = []
                do_contact()
            add(self._at(r, 2, 15), "close", close)
            if sc == "followup_done":
                add(self._at(r, 7, 10), "follow-up", followup)
        elif sc == "merged":
            def merge(case):
                original = self._case(self.plan.cases[spec.merge_into])
                cs.case_merge(actor=self._staff_of(original.handling_org_id), duplicate=case, into=original,
                              note="同一事项的重复反映,并入原诉求一并办理。")

            add(r + timedelta(hours=1), "merge", merge)
        elif sc == "transferred_out":
            do_contact()
            add(self._at(r, 1, 10), "transfer out", transfer_out)
        elif sc in ("overdue_yellow", "overdue_red"):
            # received so that the deadline was the last working day (yellow) or well before (red)
            target_due = self.cal.add_workdays(self.anchor - timedelta(days=1), 0)
            while target_due >= self.anchor or not self.cal.is_workday(target_due):
                target_due -= timedelta(days=1)
            if sc == "overdue_red":
                for _ in range(rng.randint(3, 8)):
                    target_due -= timedelta(days=1)
                    while not self.cal.is_workday(target_due):
                        target_due -= timedelta(days=1)
            day = target_due
            for _ in range(5):  # 求助 services: five working days
                day -= timedelta(days=1)
                while not self.cal.is_workday(day):
                    day -= timedelta(days=1)
            r = datetime.combine(day, time(rng.choice([9, 10, 14])), r.tzinfo)
            steps[0] = (r, steps[0][1])
            do_contact()
            add(self._at(r, 1, 11), "note", note)
        elif sc == "late_closed":
            do_contact()
            add(self._at(r, rng.randint(7, 9), 15), "close", close)
            add(self._at(r, rng.randint(10, 11), 10), "rate", rate(Rating.Level.BASIC))
        return [(at, fn) for at, fn in steps if at < cutoff]
