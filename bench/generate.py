"""Generate a city-sized data set on PostgreSQL for the benchmark.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/generate.py --residents 1000000 --cases 2000000 [--recreate-db]

It migrates the database, then fills the real tables of the migrated schema with PostgreSQL COPY
(psycopg 3 ``cursor.copy``): a city of ten districts with their streets, communities and
workstations, each district's organizations and service catalogue, staff, residents, and cases
over three years in every state with their events, ratings, follow-ups, co-handlings and
extension requests. Column lists come from the Django models' ``_meta``: a column the generator
does not set gets the field's default, so a new field with a default needs no change here.

Secondary indexes and unique constraints of the big tables are dropped before the load and
rebuilt after it (faster than maintaining them row by row); foreign-key triggers are skipped
during the load (``session_replication_role = replica``), the data being consistent by
construction. Then ANALYZE. All staff and residents share one password (one precomputed hash).

The data is deterministic for a given --seed and day. A manifest with the accounts and ids the
load generator needs is written to bench/out/dataset-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from bisect import bisect_right
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

OUT = ROOT / "bench" / "out"
PASSWORD = "Bench-Pass-2026!"
LIMIT_DAYS = {"immediate": 0, "consult": 1, "help": 5, "complaint": 15}

# ---------------------------------------------------------------------------------------------
# Reference data (fictional; written for the benchmark)

DISTRICTS = ["东湖区", "西山区", "南城区", "北塘区", "青石区", "白沙区", "金桥区", "云溪区", "临江区", "松林区"]
DISTRICT_SHARE = [15, 12, 11, 10, 10, 9, 9, 8, 8, 8]  # percent of the cases
STREET_WORDS = ["和平", "建设", "光明", "幸福", "解放", "人民", "新华", "长江", "黄河", "文化", "朝阳", "春晖",
                "锦绣", "翠竹", "枫林", "桃源", "宁安", "永丰", "丰收", "清河"]
COMMUNITY_WORDS = ["花园", "新村", "家园", "苑", "里", "公寓", "小区", "雅居", "名都", "佳苑"]
MASS_ORGS = [  # code, name, share of a district's cases (percent), headquarters staff
    ("union", "区总工会", 30, 20),
    ("women", "区妇联", 20, 15),
    ("disabled", "区残联", 15, 12),
    ("youth", "共青团区委", 12, 10),
    ("science", "区科协", 5, 6),
    ("overseas", "区侨联", 5, 6),
]
OTHER_ORGS = [  # code, name, kind, share, staff
    ("social-1", "阳光社会工作服务中心", "social", 4, 4),
    ("social-2", "同心志愿服务协会", "social", 4, 4),
    ("social-3", "邻里互助服务社", "social", 4, 4),
    ("unit-1", "区供电服务中心", "unit", 1, 3),
]
# Fallback catalogue when the product's own seed is not available: category code, owner code,
# name, what residents write about it.
FALLBACK_CATEGORIES = [
    ("union.legal", "union", "职工法律援助", ["单位拖欠工资三个月", "劳动合同到期不续签也不补偿", "工伤认定迟迟没有结果"]),
    ("union.hardship", "union", "困难职工帮扶", ["家中老人重病生活困难", "下岗后暂时没有收入"]),
    ("union.skills", "union", "职工技能培训", ["想报名电工技能培训", "咨询职工夜校课程安排"]),
    ("women.family", "women", "婚姻家庭纠纷调解", ["夫妻长期争吵需要调解", "赡养老人问题兄妹有分歧"]),
    ("women.rights", "women", "妇女儿童权益保护", ["孕期被单位调岗降薪", "孩子在校外培训机构受伤"]),
    ("disabled.rehab", "disabled", "残疾人康复服务", ["孩子需要康复训练名额", "申请辅助器具适配"]),
    ("disabled.jobs", "disabled", "残疾人就业帮扶", ["想找一份适合的工作", "咨询残疾人创业补贴"]),
    ("youth.jobs", "youth", "青年就业创业", ["毕业半年还没找到工作", "咨询青年创业贷款"]),
    ("youth.study", "youth", "青少年成长帮扶", ["孩子沉迷手机不愿上学", "申请困难学生助学金"]),
    ("science.popular", "science", "科普服务", ["社区想办一场科普讲座", "咨询老年人防诈骗科普"]),
    ("overseas.affairs", "overseas", "归侨侨眷服务", ["侨眷身份证明如何办理", "海外亲属回乡投资咨询"]),
    ("other.government", "other", "转政府部门事项", ["小区门口道路积水", "楼下餐馆油烟扰民"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国志文斌海燕鹏辉凤洁琳晨阳雪梅慧"
DEPARTMENTS = ["区人力资源和社会保障局", "区住房和城乡建设局", "区市场监督管理局", "区城市管理局", "区生态环境分局"]
RESULTS = ["已与申请人沟通并协调解决", "已提供法律咨询并协助提交材料", "已转介专业机构跟进,申请人表示认可",
           "经调解双方达成一致", "已按政策办理并告知结果"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--cases", type=int, default=2_000_000)
    p.add_argument("--open-fraction", type=float, default=0.5, help="share of cases still open (default 0.5)")
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--recreate-db", action="store_true", help="drop and create the database first")
    return p.parse_args(argv)


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1", "test", "root", "quntuan"}:
        raise SystemExit(f"refusing to drop database {name!r}; use a database of its own, e.g. quntuan_bench")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# ---------------------------------------------------------------------------------------------
# COPY helpers


def copy_value(v) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    elif isinstance(v, datetime):
        v = v.isoformat()
    s = str(v)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def row(*values) -> str:
    return "\t".join([copy_value(v) for v in values])


class Table:
    """COPY into a model's table. ``columns`` are the columns the generator sets on every row, in
    the order of the values it passes; every other concrete column of the model gets the field's
    default (the same for every row)."""

    def __init__(self, model, columns: list[str], now: datetime):
        from django.db import models

        self.model = model
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise SystemExit(f"{self.name}: the model has no columns {unknown}; update bench/generate.py")
        constant = []
        for column, f in fields.items():
            if column in columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                value = ""
            else:
                raise SystemExit(
                    f"{self.name}.{column} has no default and the generator does not set it; "
                    "update bench/generate.py"
                )
            constant.append((column, value))
        self.columns = list(columns) + [c for c, _ in constant]
        self.suffix = "".join("\t" + copy_value(v) for _, v in constant) + "\n"
        self.buffer: list[str] = []
        self.rows = 0
        self.copy = None

    def open(self, stack: ExitStack, conn) -> None:
        from psycopg import sql

        cur = stack.enter_context(conn.cursor())
        stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.name), sql.SQL(", ").join(sql.Identifier(c) for c in self.columns)
        )
        self.copy = stack.enter_context(cur.copy(stmt))

    def add(self, line: str) -> None:
        self.buffer.append(line)
        if len(self.buffer) >= 4000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write((self.suffix.join(self.buffer) + self.suffix).encode())
            self.rows += len(self.buffer)
            self.buffer.clear()


def connect(url: str):
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SET session_replication_role = replica")  # skip FK triggers during the load
    conn.execute("SET synchronous_commit = off")
    return conn


def drop_secondary_indexes(conn, tables: list[str]) -> list[str]:
    """Drop unique constraints and non-primary-key indexes; return the statements recreating them."""
    recreate = []
    for table in tables:
        cons = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'", (table,)
        ).fetchall()
        con_index_ids = {c[2] for c in cons}
        idx = conn.execute(
            "SELECT i.indexrelid, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            (table,),
        ).fetchall()
        for conname, definition, _ in cons:
            conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{conname}"')
            recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{conname}" {definition}')
        for oid, name, definition in idx:
            if oid in con_index_ids:
                continue
            conn.execute(f'DROP INDEX "{name}"')
            recreate.append(definition)
    return recreate


# ---------------------------------------------------------------------------------------------


class Clock:
    """Days of the data set as indexes 0..N-1 (today is N-1), with working-day arithmetic from
    the product's own calendar."""

    def __init__(self, today: date, years: int):
        from quntuan.workdays.rules import compute_deadline
        from quntuan.workdays.services import calendar_for_years

        self.start = today - timedelta(days=365 * years)
        self.n = (today - self.start).days + 1
        self.horizon = self.n + 120
        self.dates = [self.start + timedelta(days=i) for i in range(self.horizon)]
        self.cal = calendar_for_years(range(self.start.year, self.dates[-1].year + 1))
        self.text = [d.isoformat() for d in self.dates]
        self.is_workday = [self.cal.is_workday(d) for d in self.dates]
        self.workdays = [i for i, w in enumerate(self.is_workday) if w]
        self._compute_deadline = compute_deadline
        self._deadlines: dict = {}

    def index(self, d: date) -> int:
        return (d - self.start).days

    def add_workdays(self, day: int, k: int) -> int:
        """The k-th working day after ``day`` (k ≥ 1), or the first working day on or after it (k = 0)."""
        rank = bisect_right(self.workdays, day)  # working days ≤ day
        if k == 0:
            return day if self.is_workday[day] else self.workdays[rank]
        return self.workdays[min(rank + k - 1, len(self.workdays) - 1)]

    def deadline(self, day: int, days: int):
        key = (day, days)
        hit = self._deadlines.get(key)
        if hit is None:
            dl = self._compute_deadline(self.cal, self.dates[day], days)
            hit = (self.index(dl.due_date), self.index(dl.remind_on), self.index(dl.red_flag_after), dl.provisional)
            self._deadlines[key] = hit
        return hit

    def ts(self, minute: float) -> str:
        """A local (+08:00) timestamp from minutes since the first day's midnight."""
        d = int(minute // 1440)
        s = int((minute - d * 1440) * 60)
        return f"{self.text[d]} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08"


def spread(total: int, weights: list[float]) -> list[int]:
    """Integer counts proportional to ``weights`` summing exactly to ``total`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(x) for x in raw]
    rest = total - sum(counts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[:rest]:
        counts[i] += 1
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database, e.g. postgresql://postgres@127.0.0.1:5432/quntuan_bench")
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    if args.recreate_db:
        recreate_database(url)

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - t

    from quntuan.accounts.models import Role, User
    from quntuan.cases.models import (
        Case,
        CaseEvent,
        CoHandling,
        ExtensionRequest,
        FollowUp,
        Rating,
        TrackingSequence,
    )
    from quntuan.catalog.models import Category, Service
    from quntuan.organizations.models import DistrictRules, Membership, Organization, Region, Workstation

    if Case.objects.exists() or User.objects.filter(role=Role.RESIDENT).exists():
        raise SystemExit("the database already holds cases or residents; run with --recreate-db")

    rnd = random.Random(args.seed)
    now = timezone.localtime()
    t = time.perf_counter()
    clock = Clock(now.date(), args.years)
    timings["calendar"] = time.perf_counter() - t
    N = clock.n
    now_minute = (N - 1) * 1440 + now.hour * 60 + now.minute
    password_hash = make_password(PASSWORD)

    # ---- reference data through the ORM (small) -------------------------------------------
    t = time.perf_counter()
    categories = list(Category.objects.all())
    phrases = {code: words for code, _, _, words in FALLBACK_CATEGORIES}

    city = Region.objects.create(code="BENCH-CITY", name="江城市", level=Region.Level.CITY)
    districts, streets, communities = [], [], []
    for d, name in enumerate(DISTRICTS):
        dist = Region.objects.create(code=f"BENCH-D{d:02d}", name=name, level=Region.Level.DISTRICT, parent=city)
        dist.district = dist
        dist.save(update_fields=["district"])
        districts.append(dist)
    street_rows, community_rows = [], []
    for d, dist in enumerate(districts):
        for s in range(10):
            street_rows.append(Region(code=f"BENCH-D{d:02d}-S{s:02d}", name=f"{STREET_WORDS[(d * 3 + s) % 20]}街道",
                                      level=Region.Level.STREET, parent=dist, district=dist))
    streets = Region.objects.bulk_create(street_rows)
    for st in streets:
        for c in range(8):
            w = STREET_WORDS[(st.id + c * 7) % 20] + COMMUNITY_WORDS[c % len(COMMUNITY_WORDS)]
            community_rows.append(Region(code=f"{st.code}-C{c:02d}", name=f"{w}社区", level=Region.Level.COMMUNITY,
                                         parent=st, district_id=st.district_id))
    communities = Region.objects.bulk_create(community_rows)
    workstations = Workstation.objects.bulk_create(
        [Workstation(community=c, name=f"{c.name}群团工作站", address=f"{c.name}服务中心二楼",
                     phone=f"0571-8{c.id:07d}") for c in communities]
    )
    ws_by_community = {w.community_id: w for w in workstations}
    comm_by_district: dict[int, list] = {}
    for c in communities:
        comm_by_district.setdefault(c.district_id, []).append(c)
    DistrictRules.objects.bulk_create([DistrictRules(district=d) for d in districts])

    # Organizations and services: the product's catalogue seed for each district (mass
    # organizations, categories, typical services), else the benchmark's own minimal set; then
    # social organizations and a unit with a few services each.
    seed = product_catalog_seed()
    if seed is not None:
        for dist in districts:
            seed(dist)
        categories = list(Category.objects.all())
    else:
        if not categories:
            categories = Category.objects.bulk_create(
                [Category(code=code, org_code=org, name=name, covers="、".join(words))
                 for code, org, name, words in FALLBACK_CATEGORIES]
            )
        Organization.objects.bulk_create([
            Organization(district=dist, code=code, name=name, kind=Organization.Kind.MASS)
            for dist in districts for code, name, _share, _staff in MASS_ORGS
        ])
    cat_by_code = {c.code: c for c in categories}
    cat_by_org = {}
    for c in categories:
        cat_by_org.setdefault(c.org_code, []).append(c)
    Organization.objects.bulk_create([
        Organization(district=dist, code=code, name=name, kind=kind)
        for dist in districts for code, name, kind, _share, _staff in OTHER_ORGS
    ])
    org_spec = {c: (share, staff) for c, _, share, staff in MASS_ORGS}
    org_spec.update({c: (share, staff) for c, _, _, share, staff in OTHER_ORGS})
    # Organizations that receive and handle cases (the government "transfer out" unit does not).
    orgs = list(Organization.objects.filter(district__in=districts, code__in=org_spec).order_by("id"))
    orgs_by_district: dict[int, list] = {}
    for o in orgs:
        orgs_by_district.setdefault(o.district_id, []).append(o)

    service_rows = []
    social_cats = [c for c in categories if c.org_code in {"women", "disabled", "youth"}]
    have_services = set(Service.objects.values_list("organization_id", flat=True).distinct())
    for o in orgs:
        if o.id in have_services:
            continue
        own = cat_by_org.get(o.code) or social_cats[(o.id % 3)::3][:2] or categories[:1]
        for cat in own:
            for suffix, cls in (("咨询", "consult"), ("帮扶申请", "help"), ("投诉维权", "complaint")):
                service_rows.append(Service(
                    organization=o, category=cat, name=f"{cat.name}{suffix}", time_limit_class=cls,
                    materials="身份证明\n相关情况说明", description=f"{o.name}提供的{cat.name}服务。",
                    search_text=f"{cat.name} {suffix} {o.name}",
                ))
    Service.objects.bulk_create(service_rows)
    services = list(Service.objects.filter(organization__in=orgs))
    services_by_org: dict[int, list] = {}
    for s in services:
        services_by_org.setdefault(s.organization_id, []).append(s)
    timings["reference"] = time.perf_counter() - t

    # ---- users: staff (small), then residents by COPY ------------------------------------
    t = time.perf_counter()
    user_table = Table(User, ["id", "password", "username", "mobile", "name", "role", "region_id", "community_id",
                              "is_staff", "is_superuser", "date_joined"], now)
    member_table = Table(Membership, ["id", "user_id", "organization_id", "workstation_id", "role",
                                      "is_on_duty_receiver"], now)
    uid = 0
    staff_lines, member_lines = [], []
    hq_staff: dict[int, list[int]] = {}
    receivers: dict[int, list[int]] = {}
    ws_staff: dict[int, dict[str, int]] = {}  # workstation id → org code → user id
    leaders: dict[int, int] = {}
    manifest_accounts: dict[str, str] = {}
    joined = clock.ts(0)

    def add_staff(username, name, role, region_id, superuser=False):
        nonlocal uid
        uid += 1
        staff_lines.append(row(uid, password_hash, username, None, name, role, region_id, None, superuser, superuser,
                               joined))
        return uid

    def add_member(user_id, org_id, ws_id, role, on_duty):
        member_lines.append(row(len(member_lines) + 1, user_id, org_id, ws_id, role, on_duty))

    add_staff("bench-admin", "平台管理员", Role.PLATFORM_ADMIN, city.id, superuser=True)
    add_staff("bench-city-supervisor", "市级督查", Role.SUPERVISOR, city.id)
    manifest_accounts.update({"admin": "bench-admin", "city_supervisor": "bench-city-supervisor"})
    for d, dist in enumerate(districts):
        for k in range(2):
            add_staff(f"d{d:02d}-supervisor-{k + 1}", f"{dist.name}督查员{k + 1}", Role.SUPERVISOR, dist.id)
        add_staff(f"d{d:02d}-auditor", f"{dist.name}审计员", Role.AUDITOR, dist.id)
        for o in orgs_by_district[dist.id]:
            role = Role.SOCIAL_ORG if o.kind == Organization.Kind.SOCIAL else Role.STAFF
            lid = add_staff(f"d{d:02d}-{o.code}-leader", f"{o.name}负责人", Role.ORG_LEADER, dist.id)
            add_member(lid, o.id, None, "leader", False)
            leaders[o.id] = lid
            n_staff = org_spec[o.code][1]
            for k in range(n_staff):
                sid = add_staff(f"d{d:02d}-{o.code}-s{k + 1:03d}",
                                SURNAMES[(d + k) % 30] + GIVEN[(o.id + k) % len(GIVEN)] + GIVEN[k % 7], role, dist.id)
                duty = k < 2
                add_member(sid, o.id, None, "staff", duty)
                hq_staff.setdefault(o.id, []).append(sid)
                if duty:
                    receivers.setdefault(o.id, []).append(sid)
        mass = {o.code: o for o in orgs_by_district[dist.id] if o.kind == Organization.Kind.MASS}
        for i, c in enumerate(comm_by_district[dist.id]):
            w = ws_by_community[c.id]
            for j, code in enumerate(("union", "women", ("youth", "disabled")[i % 2])):
                sid = add_staff(f"d{d:02d}-ws{i + 1:03d}-{code}",
                                SURNAMES[(i + j) % 30] + GIVEN[(i * 3 + j) % len(GIVEN)], Role.STAFF, dist.id)
                add_member(sid, mass[code].id, w.id, "staff", j == 0)
                ws_staff.setdefault(w.id, {})[code] = sid
    n_staff_users = uid
    first_resident = uid + 1
    R = args.residents

    def resident_district(i: int) -> int:  # resident index → district index
        return i % 10

    url_conn = connect(url)
    with url_conn.transaction(), ExitStack() as stack:
        recreate = drop_secondary_indexes(url_conn, [User._meta.db_table])
        user_table.open(stack, url_conn)
        for line in staff_lines:
            user_table.add(line)
        for i in range(R):
            d = districts[resident_district(i)]
            comm = comm_by_district[d.id][(i // 10) % 80]
            name = SURNAMES[i % 30] + GIVEN[(i // 30) % len(GIVEN)] + (GIVEN[(i // 1500) % len(GIVEN)] if i % 3 else "")
            user_table.add(f"{first_resident + i}\t{password_hash}\t\\N\t13{i:09d}\t{name}\tresident\t{d.id}\t{comm.id}"
                           f"\tf\tf\t{joined}")
        user_table.flush()
        stack.close()
        member_table.open(stack, url_conn)
        for line in member_lines:
            member_table.add(line)
        member_table.flush()
        stack.close()
        t2 = time.perf_counter()
        for stmt in recreate:
            url_conn.execute(stmt)
        timings["users_indexes"] = time.perf_counter() - t2
    timings["users"] = time.perf_counter() - t
    print(f"users: {n_staff_users} staff, {R} residents in {timings['users']:.1f}s", flush=True)

    # ---- cases and their rows ---------------------------------------------------------------
    t = time.perf_counter()
    gen = CaseGenerator(
        rnd=rnd, clock=clock, now_minute=now_minute, districts=districts, orgs_by_district=orgs_by_district,
        org_spec=org_spec, services_by_org=services_by_org, cat_by_code=cat_by_code, phrases=phrases,
        comm_by_district=comm_by_district, ws_by_community=ws_by_community, hq_staff=hq_staff,
        receivers=receivers, ws_staff=ws_staff, leaders=leaders, first_resident=first_resident, residents=R,
    )
    tables = {
        "case": Table(Case, CaseGenerator.CASE_COLUMNS, now),
        "event": Table(CaseEvent, ["id", "case_id", "kind", "at", "actor_id", "organization_id", "target_org_id",
                                   "note", "internal"], now),
        "rating": Table(Rating, ["id", "case_id", "round", "solved", "level", "comment", "rated_by_id", "rated_at"], now),
        "followup": Table(FollowUp, ["id", "case_id", "round", "due_date", "status", "outcome", "solved", "note",
                                     "done_by_id", "done_at"], now),
        "cohandling": Table(CoHandling, ["id", "case_id", "organization_id", "task", "due_date", "status", "reply",
                                         "replied_by_id", "replied_at"], now),
        "extension": Table(ExtensionRequest, ["id", "case_id", "requested_by_id", "requested_at", "days", "reason",
                                              "status", "decided_by_id", "decided_at", "decision_note"], now),
    }
    gen.tables = tables
    big = [tables[k].name for k in ("case", "event", "rating", "followup")]
    conns = {k: connect(url) for k in tables}
    with ExitStack() as stack:
        for k in tables:
            stack.enter_context(conns[k].transaction())
        recreate = drop_secondary_indexes(conns["case"], [big[0]])
        recreate += drop_secondary_indexes(conns["event"], [big[1]])
        recreate += drop_secondary_indexes(conns["rating"], [big[2]])
        recreate += drop_secondary_indexes(conns["followup"], [big[3]])
        with ExitStack() as copies:
            for k, table in tables.items():
                table.open(copies, conns[k])
            gen.run(args.cases, args.open_fraction)
            for table in tables.values():
                table.flush()
        timings["cases_copy"] = time.perf_counter() - t
        print(f"cases copied in {timings['cases_copy']:.1f}s: "
              + ", ".join(f"{k} {tb.rows}" for k, tb in tables.items()), flush=True)
    for c in conns.values():
        c.close()

    t = time.perf_counter()
    url_conn.execute("SET maintenance_work_mem = '1GB'")
    url_conn.execute("SET max_parallel_maintenance_workers = 2")
    for stmt in recreate:
        t3 = time.perf_counter()
        url_conn.execute(stmt)
        print(f"  {time.perf_counter() - t3:6.1f}s  {stmt[:110]}", flush=True)
    timings["indexes"] = time.perf_counter() - t

    with url_conn.transaction():
        TrackingSequenceRows = [(clock.dates[d], n) for d, n in sorted(gen.tracking.items())]
        with url_conn.cursor() as cur, cur.copy(
            f'COPY "{TrackingSequence._meta.db_table}" (day, last) FROM STDIN'
        ) as cp:
            for day, n in TrackingSequenceRows:
                cp.write_row((day, n))
        # The day rows were written as counters (the last number given); on PostgreSQL the
        # platform reads them as bases of the tracking-number sequence (cases migration 0004).
        seq_table = TrackingSequence._meta.db_table
        top = url_conn.execute(f'SELECT COALESCE(MAX(last), 0) FROM "{seq_table}"').fetchone()[0]  # noqa: S608
        if top:
            url_conn.execute("SELECT setval('cases_tracking_no_seq', %s, true)", [top])
            url_conn.execute(f'UPDATE "{seq_table}" SET last = %s - last', [top])  # noqa: S608
        for model in (User, Membership, Case, CaseEvent, Rating, FollowUp, CoHandling, ExtensionRequest):
            table = model._meta.db_table
            sql_text = (
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - model table names
                f"COALESCE((SELECT max(id) FROM \"{table}\"), 0) + 1, false)"
            )
            url_conn.execute(sql_text)
    t = time.perf_counter()
    url_conn.execute("VACUUM (ANALYZE)")
    timings["vacuum_analyze"] = time.perf_counter() - t
    # The load bypassed the triggers that keep the assessment rollups: recompute them.
    from quntuan.assessment.rollups import rebuild_all

    t = time.perf_counter()
    rebuild_all()
    timings["rollups"] = time.perf_counter() - t
    url_conn.close()
    timings["total"] = time.perf_counter() - t_all

    big_org = max(orgs, key=lambda o: gen.open_by_org.get(o.id, 0))
    manifest = {
        "generated_at": now.isoformat(),
        "residents": R,
        "staff": n_staff_users,
        "cases": gen.case_id,
        "events": tables["event"].rows,
        "ratings": tables["rating"].rows,
        "followups": tables["followup"].rows,
        "cohandlings": tables["cohandling"].rows,
        "extensions": tables["extension"].rows,
        "status_counts": gen.status_counts,
        "open_cases": sum(gen.open_by_org.values()),
        "districts": len(districts), "streets": len(streets), "communities": len(communities),
        "organizations": len(orgs), "services": len(services),
        "password": PASSWORD,
        "accounts": {
            **manifest_accounts,
            "big_org_id": big_org.id,
            "big_org_name": f"{big_org.district.name}{big_org.name}",
            "big_org_open_cases": gen.open_by_org.get(big_org.id, 0),
            "big_org_cases": gen.cases_by_org.get(big_org.id, 0),
            "big_org_staff": User.objects.get(pk=hq_staff[big_org.id][2]).username,
            "big_org_leader": User.objects.get(pk=leaders[big_org.id]).username,
            "district_supervisor": f"d{districts.index(big_org.district):02d}-supervisor-1",
            "first_resident_id": first_resident,
        },
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    manifest_path(url).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


def manifest_path(url: str) -> Path:
    """bench/out/dataset-<database>.json: what the load generator needs to know about the data."""
    return OUT / f"dataset-{urlparse(url).path.lstrip('/')}.json"


def product_catalog_seed():
    """The product's ``catalog_seed(district)`` when the catalogue app provides it."""
    try:
        from quntuan.catalog.services import catalog_seed
    except ImportError:
        return None
    return catalog_seed


class CaseGenerator:
    CASE_COLUMNS = [
        "id", "tracking_no", "district_id", "community_id", "workstation_id", "channel", "requester_id",
        "requester_name", "requester_mobile", "service_id", "category_id", "title", "content", "address",
        "is_urgent", "time_limit_class", "missing_materials", "first_inquirer_id", "first_inquirer_org_id",
        "handling_org_id", "handler_id", "transfer_to_org_id", "transfer_reason", "transferred_department",
        "requester_informed_at", "status", "received_at", "clock_start", "first_contact_due_at", "contacted_at",
        "due_date", "remind_on", "red_flag_after", "deadline_provisional", "extended", "escalation_level",
        "result", "closed_at", "reopen_count", "created_at", "updated_at",
    ]
    CHANNELS = ["web"] * 45 + ["mobile"] * 25 + ["wechat"] * 10 + ["phone"] * 12 + ["walk_in"] * 8

    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.case_id = 0
        self.event_id = 0
        self.rating_id = 0
        self.followup_id = 0
        self.cohandling_id = 0
        self.extension_id = 0
        self.tracking: dict[int, int] = {}
        self.status_counts: dict[str, int] = {}
        self.open_by_org: dict[int, int] = {}
        self.cases_by_org: dict[int, int] = {}
        # Per district: organizations weighted by their share of cases.
        self.org_pick = {}
        for dist in self.districts:
            olist = self.orgs_by_district[dist.id]
            weights = [self.org_spec[o.code][0] for o in olist]
            cum, s = [], 0
            for w in weights:
                s += w
                cum.append(s)
            self.org_pick[dist.id] = (olist, cum, s)
        self.district_cum = []
        s = 0
        for w in DISTRICT_SHARE:
            s += w
            self.district_cum.append(s)

    # -- helpers
    def event(self, case_id, kind, minute, actor=None, org=None, target=None, note="", internal=False):
        self.event_id += 1
        self.tables["event"].add(
            f"{self.event_id}\t{case_id}\t{kind}\t{self.clock.ts(minute)}\t{_n(actor)}\t{_n(org)}\t{_n(target)}"
            f"\t{note}\t{'t' if internal else 'f'}"
        )

    def pick_org(self, dist_id):
        olist, cum, s = self.org_pick[dist_id]
        return olist[bisect_right(cum, self.rnd.random() * s)]

    def work_minute(self, day: int) -> float:
        """A minute in working hours on ``day``."""
        return day * 1440 + 8.5 * 60 + self.rnd.random() * 9 * 60

    def run(self, total: int, open_fraction: float) -> None:
        clock, rnd = self.clock, self.rnd
        N = clock.n
        n_open = int(total * open_fraction)
        n_done = total - n_open
        w_done = [(0.6 + 0.8 * d / N) * (1.0 if clock.is_workday[d] else 0.35) for d in range(N)]
        w_open = [(math.exp((d - N) / 90) if d >= N - 365 else 0.0) * (1.0 if clock.is_workday[d] else 0.35)
                  for d in range(N)]
        done_per_day = spread(n_done, w_done)
        open_per_day = spread(n_open, w_open)
        report_every = max(total // 10, 1)
        for d in range(N):
            k_done, k_open = done_per_day[d], open_per_day[d]
            k = k_done + k_open
            if not k:
                continue
            if d == N - 1:  # today: only up to now
                minutes = sorted(d * 1440 + rnd.random() * (self.now_minute - d * 1440 - 1) for _ in range(k))
            else:
                minutes = sorted(self.receipt_minute(d) for _ in range(k))
            flags = [False] * k_done + [True] * k_open
            rnd.shuffle(flags)
            for minute, is_open in zip(minutes, flags, strict=True):
                self.one_case(d, minute, is_open)
                if self.case_id % report_every == 0:
                    print(f"  {self.case_id} cases, {self.event_id} events", flush=True)

    def receipt_minute(self, d):
        rnd = self.rnd
        if rnd.random() < 0.85:
            return d * 1440 + 8 * 60 + rnd.random() * 10 * 60
        return d * 1440 + rnd.random() * 1440

    # -- one case and everything that hangs off it
    def one_case(self, day: int, minute: float, is_open: bool) -> None:  # noqa: C901
        rnd, clock = self.rnd, self.clock
        self.case_id += 1
        cid = self.case_id
        seq = self.tracking.get(day, 0) + 1
        self.tracking[day] = seq
        tracking_no = f"QT-{clock.text[day].replace('-', '')}-{seq:06d}"
        dist = self.districts[bisect_right(self.district_cum, rnd.random() * 100)]
        d_idx = self.districts.index(dist)
        channel = self.CHANNELS[int(rnd.random() * 100)]
        org = self.pick_org(dist.id)
        age_days = clock.n - 1 - day

        # Matter
        outward = (not is_open) and rnd.random() < 0.04
        if outward and "other.government" in self.cat_by_code:
            cat = self.cat_by_code["other.government"]
            service = None
            tlc = "consult"
        else:
            outward = False
            svc_list = self.services_by_org[org.id]
            service = svc_list[int(rnd.random() * len(svc_list))] if rnd.random() < 0.8 else None
            cat = service.category if service else svc_list[0].category
            tlc = service.time_limit_class if service else ("help" if rnd.random() < 0.7 else "complaint")
        words = self.phrases.get(cat.code) or [service.name if service else cat.name]
        matter = words[int(rnd.random() * len(words))]

        # Requester
        online = channel in ("web", "mobile", "wechat")
        if online or rnd.random() < 0.5:
            k = int(rnd.random() * (self.residents // 10 or 1))
            ridx = d_idx + 10 * k
            if ridx >= self.residents:
                ridx = d_idx if d_idx < self.residents else 0
            requester = self.first_resident + ridx
            rname = SURNAMES[ridx % 30] + GIVEN[(ridx // 30) % len(GIVEN)] + (
                GIVEN[(ridx // 1500) % len(GIVEN)] if ridx % 3 else "")
            mobile = f"13{ridx:09d}"
            community = self.comm_by_district[dist.id][(ridx // 10) % 80]
        else:
            requester = None
            rname = SURNAMES[cid % 30] + GIVEN[cid % len(GIVEN)]
            mobile = f"15{cid:09d}"
            community = self.comm_by_district[dist.id][int(rnd.random() * 80)]
        ws = self.ws_by_community[community.id]
        workstation = ws.id if channel == "walk_in" else None

        # First inquirer: the org's on-duty receiver online; the workstation's staff for walk-ins
        if channel == "walk_in" and ws.id in self.ws_staff:
            staff = self.ws_staff[ws.id]
            code = org.code if org.code in staff else "union"
            fi = staff[code]
            fi_org = org if code == org.code else next(o for o in self.orgs_by_district[dist.id] if o.code == code)
        else:
            recv = self.receivers[org.id]
            fi = recv[cid % len(recv)]
            fi_org = org
        handling = fi_org
        hq = self.hq_staff[handling.id]
        handler = hq[int(rnd.random() * len(hq))]

        is_urgent = rnd.random() < 0.04
        limit = LIMIT_DAYS[tlc]
        clock_start = day
        events = []  # (minute, kind, actor, org, target, note, internal)
        if online:
            events.append((minute, "submitted", requester, None, None, "", False))
        events.append((minute + 0.01, "received", fi, fi_org.id, None, "", False))
        events.append((minute + 0.02, "receipt_sent", None, fi_org.id, None, "", False))

        # Status
        if is_open:
            if age_days <= 1:
                status = "pending" if rnd.random() < 0.6 else "in_progress"
            else:
                x = rnd.random()
                status = ("pending" if x < 0.05 else "transferring" if x < 0.13
                          else "awaiting_material" if x < 0.30 else "in_progress")
        else:
            status = "transferred_out" if outward else "closed"

        # First contact
        contact_due = minute + 120 if is_urgent else clock.add_workdays(day, 1) * 1440 + (minute % 1440)
        contacted = None
        if status != "pending":
            late = rnd.random() < 0.12
            contacted = (contact_due + rnd.random() * 1440 * 2) if late else (
                minute + min(rnd.expovariate(1 / 240), contact_due - minute - 1))
            contacted = min(contacted, self.now_minute - 1)
            events.append((contacted, "contacted", handler, handling.id, None, "", False))

        # Transfer
        transfer_to = None
        transfer_reason = ""
        informed = None
        others = [o for o in self.orgs_by_district[dist.id] if o.id != handling.id]
        if status == "transferring" or (status in ("in_progress", "closed", "awaiting_material") and rnd.random() < 0.1):
            target = others[int(rnd.random() * len(others))]
            t0 = (contacted or minute) + 30 + rnd.random() * 600
            transfer_reason = f"该事项属于{target.name}职责范围"
            events.append((t0, "transfer_requested", fi, fi_org.id, target.id, transfer_reason, False))
            if status == "transferring":
                transfer_to = target.id
            else:
                t1 = t0 + 60 + rnd.random() * 1200
                if rnd.random() < 0.1:  # returned once, then handled by the first org
                    events.append((t1, "transfer_returned", leaders_or(self.leaders, target.id), target.id,
                                   fi_org.id, "不属于本单位职责,退回首问单位", False))
                else:
                    hq_t = self.hq_staff[target.id]
                    handler = hq_t[int(rnd.random() * len(hq_t))]
                    events.append((t1, "transfer_accepted", handler, target.id, None, "", False))
                    handling = target
                    informed = t1 + 30 + rnd.random() * 600
                    events.append((informed, "requester_informed", fi, fi_org.id, None, "", False))
            t_last = max(e[0] for e in events)
            if t_last > self.now_minute:
                # keep every timestamp in the past
                events = [(min(e[0], self.now_minute - 1), *e[1:]) for e in events]
                if informed:
                    informed = min(informed, self.now_minute - 1)

        # Material
        missing = ""
        if status == "awaiting_material" or (status in ("in_progress", "closed") and rnd.random() < 0.08):
            t0 = (contacted or minute) + 60 + rnd.random() * 1440
            missing = "身份证复印件;劳动合同或工资流水"
            if status == "awaiting_material":
                t0 = min(t0, self.now_minute - 1)
                events.append((t0, "material_requested", handler, handling.id, None, missing, False))
            else:
                t1 = t0 + 1440 * (1 + rnd.random() * 3)
                if t1 < self.now_minute - 60:
                    events.append((t0, "material_requested", handler, handling.id, None, missing, False))
                    events.append((t1, "material_supplied", requester, None, None, "已补充材料", False))
                    clock_start = int(t1 // 1440)
                    missing = ""

        due, remind, red, provisional = clock.deadline(clock_start, limit)
        extended = False
        if status in ("in_progress", "closed") and limit >= 5 and rnd.random() < 0.03:
            t0 = clock.add_workdays(clock_start, max(limit - 1, 1)) * 1440 + 600
            if t0 < self.now_minute - 1440:
                self.extension_id += 1
                approved = rnd.random() < 0.8
                t1 = t0 + 240
                lid = self.leaders[handling.id]
                self.tables["extension"].add(row(
                    self.extension_id, cid, handler, clock.ts(t0), 5, "需要协调多个部门,申请延期",
                    "approved" if approved else "rejected", lid, clock.ts(t1), "同意" if approved else "请按期办结"))
                events.append((t0, "extension_requested", handler, handling.id, None, "申请延期5个工作日", False))
                events.append((t1, "extension_approved" if approved else "extension_rejected", lid, handling.id,
                               None, "", False))
                if approved:
                    extended = True
                    due = clock.add_workdays(due, 5)
                    red = clock.add_workdays(due, 1)

        # Co-handling
        if status in ("in_progress", "closed") and rnd.random() < 0.03:
            co = others[int(rnd.random() * len(others))]
            self.cohandling_id += 1
            t0 = (contacted or minute) + 120
            co_due = clock.add_workdays(int(t0 // 1440), 3)
            done = status == "closed" or rnd.random() < 0.5
            t1 = t0 + 1440 * (1 + rnd.random() * 2)
            done = done and t1 < self.now_minute
            replier = self.hq_staff[co.id][0]
            self.tables["cohandling"].add(row(
                self.cohandling_id, cid, co.id, "请协助核实相关情况", clock.text[co_due], "done" if done else "open",
                "已核实,情况属实" if done else "", replier if done else None, clock.ts(t1) if done else None))
            events.append((t0, "cohandler_added", handler, handling.id, co.id, "请协助核实相关情况", False))
            if done:
                events.append((t1, "cohandler_replied", replier, co.id, None, "已核实,情况属实", False))

        # Closing, rating, reopening, follow-up
        closed = None
        result = ""
        reopen = 0
        department = ""
        if status == "transferred_out":
            closed = min((contacted or minute) + 60 + rnd.random() * 1440, self.now_minute - 1)
            department = DEPARTMENTS[cid % len(DEPARTMENTS)]
            events.append((closed, "transferred_out", handler, handling.id, None, f"已转{department}办理", False))
        elif status == "closed":
            start = max(contacted or minute, clock_start * 1440)
            late = rnd.random() < 0.12
            k = (limit + 1 + int(rnd.random() * 6)) if late else int(rnd.random() * (limit + 1))
            close_day = clock.add_workdays(clock_start, k)
            closed = max(close_day * 1440 + 9 * 60 + rnd.random() * 8 * 60, start + 30)
            if closed >= self.now_minute - 1:
                closed = start + (self.now_minute - 1 - start) * rnd.random()
            result = RESULTS[cid % len(RESULTS)]
            events.append((closed - 1, "replied", handler, handling.id, None, result, False))
            events.append((closed, "closed", handler, handling.id, None, "", False))
            closed, reopen, status = self.rate_and_follow(cid, closed, requester, handler, handling, result,
                                                          events, limit)
            if status == "in_progress":
                result = ""

        # Escalation as the sweep would have left it yesterday (or at closing)
        if status in ("closed", "transferred_out"):
            ref_day = int(closed // 1440)
        else:
            ref_day = clock.n - 2
        level = 0
        if status != "awaiting_material" or clock_start < ref_day:
            if remind <= ref_day:
                level = 1
                events.append((remind * 1440 + 5, "reminded", None, handling.id, None, "", True))
            if due < ref_day:
                level = 2
                events.append(((due + 1) * 1440 + 5, "yellow_flag", None, handling.id, None, "", True))
            if red < ref_day:
                level = 3
                events.append(((red + 1) * 1440 + 5, "red_flag", None, handling.id, None, "", True))

        # Internal note now and then
        if rnd.random() < 0.1 and contacted:
            events.append((min(contacted + 30, self.now_minute - 1), "note", handler, handling.id, None,
                           "已电话联系诉求人,约定上门时间", True))

        if status == "transferring":
            handler_out = None
        elif status == "pending":
            handler_out = None
        else:
            handler_out = handler
        title = f"{matter}"[:100]
        content = f"本人住在{community.name},{matter},希望{org.name}帮助协调解决。联系电话见登记信息。"
        self.status_counts[status] = self.status_counts.get(status, 0) + 1
        self.cases_by_org[handling.id] = self.cases_by_org.get(handling.id, 0) + 1
        if status in ("pending", "transferring", "in_progress", "awaiting_material"):
            self.open_by_org[handling.id] = self.open_by_org.get(handling.id, 0) + 1
        ts = clock.ts
        updated = max(e[0] for e in events)
        self.tables["case"].add(row(
            cid, tracking_no, dist.id, community.id, workstation, channel, requester, rname, mobile,
            service.id if service else None, cat.id, title, content, f"{community.name}{cid % 50 + 1}号楼",
            is_urgent, tlc, missing, fi, fi_org.id, handling.id, handler_out, transfer_to, transfer_reason,
            department, ts(informed) if informed else None, status, ts(minute), clock.text[clock_start],
            ts(contact_due), ts(contacted) if contacted else None, clock.text[due], clock.text[remind],
            clock.text[red], provisional, extended, level, result, ts(closed) if closed else None, reopen,
            ts(minute), ts(updated),
        ))
        events.sort(key=lambda e: e[0])
        for e in events:
            self.event(cid, e[1], e[0], e[2], e[3], e[4], e[5], e[6])

    def rate_and_follow(self, cid, closed, requester, handler, handling, result, events, limit):
        """Ratings (round 0, and round 1 after a dissatisfied reopening) and follow-ups. Returns
        (closed minute or None, reopen count, status)."""
        rnd, clock = self.rnd, self.clock
        reopen = 0
        status = "closed"
        for rnd_no in (0, 1):
            close_day = int(closed // 1440)
            follow_day = clock.add_workdays(close_day, 3)
            if requester and rnd.random() < 0.72:
                t_rate = closed + 60 + rnd.random() * 1440 * 2
                if t_rate >= self.now_minute:
                    return closed, reopen, status
                x = rnd.random()
                level = "satisfied" if x < 0.62 else "basic" if x < 0.86 else "dissatisfied"
                solved = rnd.random() < {"satisfied": 0.95, "basic": 0.75, "dissatisfied": 0.2}[level]
                comment = {"satisfied": "办理及时,态度很好", "basic": "基本解决了", "dissatisfied": "问题没有解决"}[level]
                self.rating_id += 1
                self.tables["rating"].add(row(self.rating_id, cid, rnd_no, solved, level, comment, requester,
                                              clock.ts(t_rate)))
                events.append((t_rate, "rated", requester, handling.id, None, comment, False))
                if level == "dissatisfied" and rnd_no == 0:
                    reopen = 1
                    events.append((t_rate + 0.01, "reopened", None, handling.id, None, "不满意,重新办理", False))
                    k = 1 + int(rnd.random() * max(limit, 1))
                    closed = clock.add_workdays(int(t_rate // 1440), k) * 1440 + 10 * 60 + rnd.random() * 6 * 60
                    if closed >= self.now_minute - 1:
                        return None, reopen, "in_progress"
                    events.append((closed - 1, "replied", handler, handling.id, None, result, False))
                    events.append((closed, "closed", handler, handling.id, None, "", False))
                    continue
                return closed, reopen, status
            # not rated: a follow-up once the rating window has passed
            if follow_day < clock.n - 1:
                self.followup_id += 1
                t_open = follow_day * 1440 + 1440 + 5
                due = clock.add_workdays(follow_day + 1, 2)
                done = t_open + 1440 * (0.2 + rnd.random() * 3)
                if done < self.now_minute and rnd.random() < 0.95:
                    x = rnd.random()
                    outcome = "satisfied" if x < 0.6 else "basic" if x < 0.8 else "unreachable" if x < 0.92 else "dissatisfied"
                    if outcome == "dissatisfied" and rnd_no == 0:
                        outcome = "unreachable"  # a dissatisfied answer would reopen the case; kept simple
                    solved = None if outcome == "unreachable" else outcome != "dissatisfied"
                    self.tables["followup"].add(row(self.followup_id, cid, rnd_no, clock.text[due], "done", outcome,
                                                    solved, "电话回访", handler, clock.ts(done)))
                    events.append((t_open, "followup_opened", None, handling.id, None, "", True))
                    events.append((done, "followup_done", handler, handling.id, None, outcome, True))
                    if outcome != "unreachable":
                        # What the requester says on the phone counts as the round's rating.
                        self.rating_id += 1
                        self.tables["rating"].add(row(self.rating_id, cid, rnd_no, solved, outcome, "电话回访",
                                                      handler, clock.ts(done + 0.01)))
                        events.append((done + 0.01, "rated", handler, handling.id, None, "电话回访", False))
                else:
                    self.tables["followup"].add(row(self.followup_id, cid, rnd_no, clock.text[due], "open", "", None,
                                                    "", None, None))
                    events.append((min(t_open, self.now_minute - 1), "followup_opened", None, handling.id, None, "",
                                   True))
            return closed, reopen, status
        return closed, reopen, status


def leaders_or(leaders, org_id):
    return leaders.get(org_id)


def _n(v) -> str:
    return "\\N" if v is None else str(v)


if __name__ == "__main__":
    sys.exit(main())
