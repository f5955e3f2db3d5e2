"""Add venues, activities, bookings, registrations and check-ins to a benchmark database.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        nice -n 19 uv run python bench/activities_generate.py [--venues 5000] [--activities 100000] \\
            [--registrations 3000000] [--replace]

Run bench/generate.py first (the city: districts, streets, communities, organizations, staff and
residents). This script migrates, then fills the activities tables with PostgreSQL COPY (psycopg 3
``cursor.copy``), column lists from the models' ``_meta`` (the ``Table`` helper of
bench/generate.py: a column not set here gets the field's default).

* Venues: spread over the communities, each owned by a mass organization or social organization
  of its district, open 09:00–21:00 every day, 30-minute turnaround buffer.
* Activities: over three years (two and a half behind today, half a year ahead); nine in ten at a
  venue, the rest at an address. Venue popularity is skewed; the busiest venue gets 3 % of the
  venue activities (3,000 at full size), about three a day. Bookings never overlap on a venue:
  each venue's activities take distinct slots of a day (09:00–11:00, 14:00–16:00,
  19:00–20:30; with the buffer the blocks do not touch). The exclusion constraint
  ``booking_venue_no_overlap`` stays in place during the load and checks every row.
  90 % published, 5 % cancelled (booking released), 5 % drafts.
* Registrations: distinct residents per activity, confirmed up to the capacity, then waitlisted;
  a few cancelled. Past activities: about 80 % of the confirmed checked in.

Secondary indexes of registrations and check-ins are dropped during the load and rebuilt after
it; foreign-key triggers are skipped (the data is consistent by construction). ActivityEvent rows
(the audit trail) are not generated: no benchmarked page reads them.

A manifest is written to bench/out/activities-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.generate import OUT, Table, connect, drop_secondary_indexes, row, spread  # noqa: E402

KINDS = ["training", "volunteer", "lecture", "culture", "competition", "brand"]
KIND_WEIGHTS = [25, 25, 20, 20, 5, 5]
TITLES = {
    "training": ["职工电工技能培训班", "家政服务技能培训", "电商直播入门课", "育婴师培训", "老年人智能手机课堂"],
    "volunteer": ["社区环境清洁志愿服务", "关爱独居老人上门探访", "文明交通劝导", "图书角整理志愿活动"],
    "lecture": ["劳动法律知识讲座", "家庭教育公益讲座", "防范电信诈骗讲座", "心理健康讲座", "科普知识讲座"],
    "culture": ["职工篮球友谊赛", "亲子手工活动", "社区广场舞展演", "书法兴趣班", "周末观影会"],
    "competition": ["职工技能比武", "青年创新创业大赛", "最美家庭评选"],
    "brand": ["工会会员服务日", "巾帼志愿服务周", "青春社区行"],
}
VENUE_WORDS = ["党群服务中心", "职工之家", "妇女儿童之家", "青年之家", "文化活动室", "多功能厅", "会议室", "阅览室"]
FACILITIES = ["投影仪、音响", "桌椅 60 套", "乒乓球台", "钢琴", "电脑 20 台", ""]
AUDIENCES = ["workers", "youth", "women", "children", "disabled", "overseas", "elderly"]
# Slots of a day (local time, minutes after midnight): start, end. With a 30-minute buffer the
# blocks [start, end + 30) of different slots never overlap.
SLOTS = [(9 * 60, 11 * 60), (14 * 60, 16 * 60), (19 * 60, 20 * 60 + 30)]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--venues", type=int, default=5000)
    p.add_argument("--activities", type=int, default=100_000)
    p.add_argument("--registrations", type=int, default=3_000_000)
    p.add_argument("--days-before", type=int, default=912, help="first activity day, days before today")
    p.add_argument("--days-after", type=int, default=183, help="last activity day, days after today")
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--replace", action="store_true", help="delete existing activities data first")
    return p.parse_args(argv)


def ts(d: date, minute: int) -> str:
    return f"{d.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00+08"


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from quntuan.accounts.models import Role, User
    from quntuan.activities.models import Activity, Booking, CheckIn, Registration, Venue
    from quntuan.organizations.models import Membership, Organization, Region

    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - t

    conn = connect(url)
    tables = [Venue._meta.db_table, Activity._meta.db_table, Booking._meta.db_table, Registration._meta.db_table,
              CheckIn._meta.db_table, Activity.hosts.through._meta.db_table,
              Activity.host_staff.through._meta.db_table]
    if Activity.objects.exists() or Venue.objects.exists():
        if not args.replace:
            raise SystemExit("the database already holds activities or venues; run with --replace")
        t = time.perf_counter()
        conn.execute("TRUNCATE " + ", ".join(f'"{x}"' for x in tables)
                     + ', "activities_activityevent", "activities_venue_bookable_by" CASCADE')
        timings["truncate"] = time.perf_counter() - t

    rnd = random.Random(args.seed)
    now = timezone.localtime()
    today = now.date()
    now_text = now.isoformat()

    # ---- the city ------------------------------------------------------------------------------
    t = time.perf_counter()
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY).values_list("id", "parent_id", "district_id"))
    orgs_by_district: dict[int, list[int]] = {}
    for oid, did in Organization.objects.filter(kind__in=["mass", "social"], is_active=True).values_list(
            "id", "district_id"):
        orgs_by_district.setdefault(did, []).append(oid)
    staff_by_org: dict[int, list[int]] = {}
    for oid, uid in Membership.objects.filter(role=Membership.Role.STAFF).values_list("organization_id", "user_id"):
        staff_by_org.setdefault(oid, []).append(uid)
    res = User.objects.filter(role=Role.RESIDENT).order_by("id").values_list("id", flat=True)
    first_res, last_res = res.first(), res.last()
    resident_count = User.objects.filter(role=Role.RESIDENT).count()
    if not communities or not orgs_by_district or not resident_count:
        raise SystemExit("no city in this database: run bench/generate.py first")
    if last_res - first_res + 1 != resident_count:
        raise SystemExit("resident ids are not contiguous; this generator samples residents by id range")
    communities = [c for c in communities if c[2] in orgs_by_district]
    timings["city"] = time.perf_counter() - t

    # ---- venues --------------------------------------------------------------------------------
    t = time.perf_counter()
    venues = []  # (id, owner, community, street, district, capacity)
    vt = Table(Venue, ["id", "owner_id", "community_id", "name", "address", "capacity", "facilities",
                       "photo", "created_at", "updated_at"], now)
    with ExitStack() as stack:
        vt.open(stack, conn)
        for i in range(args.venues):
            cid, street, did = communities[i % len(communities)]
            owner = rnd.choice(orgs_by_district[did])
            cap = rnd.choice([30, 50, 60, 80, 100, 150, 200])
            vid = i + 1
            venues.append((vid, owner, cid, street, did, cap))
            vt.add(row(vid, owner, cid, f"{VENUE_WORDS[i % len(VENUE_WORDS)]}{i // len(VENUE_WORDS) + 1}号",
                       f"第{cid}社区{rnd.randint(1, 300)}号", cap, rnd.choice(FACILITIES), "", now_text, now_text))
        vt.flush()
    timings["venues"] = time.perf_counter() - t

    # ---- activities and bookings ---------------------------------------------------------------
    t = time.perf_counter()
    first_day = today - timedelta(days=args.days_before)
    n_days = args.days_before + args.days_after + 1
    at_venue = args.activities * 9 // 10
    busiest = min(at_venue * 3 // 100, n_days * len(SLOTS))
    weights = [1 / (i + 20) ** 0.9 for i in range(1, args.venues)]
    per_venue = [busiest] + spread(at_venue - busiest, weights)
    per_venue = [min(c, n_days * len(SLOTS)) for c in per_venue]
    places = []  # (venue index or None, day offset, slot)
    for v, count in enumerate(per_venue):
        for cell in rnd.sample(range(n_days * len(SLOTS)), count):
            places.append((v, cell // len(SLOTS), cell % len(SLOTS)))
    while len(places) < args.activities:
        places.append((None, rnd.randrange(n_days), rnd.randrange(len(SLOTS))))
    places.sort(key=lambda p: (p[1], p[2]))  # ids in time order, as they would be created

    at = Table(Activity, ["id", "district_id", "primary_host_id", "kind", "title", "description", "start", "end",
                          "venue_id", "address", "street_id", "community_id", "capacity", "audience_groups",
                          "status", "created_by_id", "registration_seq", "published_at", "cancelled_at",
                          "cancel_reason", "contact_name", "contact_phone", "created_at", "updated_at"], now)
    bt = Table(Booking, ["id", "venue_id", "activity_id", "start", "end", "block_start", "block_end", "status",
                         "created_at", "created_by_id"], now)
    ht = Table(Activity.hosts.through, ["id", "activity_id", "organization_id"], now)
    st = Table(Activity.host_staff.through, ["id", "activity_id", "user_id"], now)
    activities = []  # (id, day offset, capacity, status, start text)
    n_booking = 0
    with ExitStack() as stack:
        for table in (at, bt, ht, st):  # one COPY at a time per connection
            table.open(stack, stack.enter_context(connect(url)))
        for aid, (v, day, slot) in enumerate(places, start=1):
            d = first_day + timedelta(days=day)
            s_min, e_min = SLOTS[slot]
            if v is not None:
                vid, owner, cid, street, did, vcap = venues[v]
            else:
                cid, street, did = rnd.choice(communities)
                owner, vid, vcap = rnd.choice(orgs_by_district[did]), None, 200
            kind = rnd.choices(KINDS, KIND_WEIGHTS)[0]
            cap = min(vcap, rnd.choice([20, 30, 40, 50, 60, 80]))
            r = rnd.random()
            status = "published" if r < 0.90 else ("cancelled" if r < 0.95 else "draft")
            staff = staff_by_org.get(owner) or [None]
            creator = rnd.choice(staff)
            created = ts(d - timedelta(days=rnd.randint(7, 30)), 10 * 60)
            start, end = ts(d, s_min), ts(d, e_min)
            at.add(row(aid, did, owner, kind, rnd.choice(TITLES[kind]), "欢迎社区居民踊跃参加。", start, end, vid,
                       "" if vid else f"第{cid}社区广场", street, cid, cap,
                       [rnd.choice(AUDIENCES)], status, creator, 0,
                       created if status != "draft" else None,
                       created if status == "cancelled" else None, "场地临时维修" if status == "cancelled" else "",
                       "李老师", "0710-8888" + f"{aid % 10000:04d}", created, created))
            ht.add(row(aid, aid, owner))
            if creator is not None:
                st.add(row(aid, aid, creator))
            if vid is not None:
                n_booking += 1
                bt.add(row(n_booking, vid, aid, start, end, start, ts(d, e_min + 30),
                           "released" if status == "cancelled" else "active", created, creator))
            activities.append((aid, day, cap, status, start))
        for table in (at, bt, ht, st):
            table.flush()
    timings["activities_bookings"] = time.perf_counter() - t

    # ---- registrations and check-ins -----------------------------------------------------------
    t = time.perf_counter()
    recreate = drop_secondary_indexes(conn, [Registration._meta.db_table, CheckIn._meta.db_table])
    timings["drop_indexes"] = time.perf_counter() - t
    t = time.perf_counter()
    published = [a for a in activities if a[3] == "published"]
    today_off = (today - first_day).days
    # Registrations per activity: proportional to a random popularity, summing to the target.
    pop = [rnd.uniform(0.3, 1.7) * (1.0 if a[1] <= today_off else 0.5) for a in published]
    counts = spread(args.registrations, pop)
    rt = Table(Registration, ["id", "activity_id", "resident_id", "status", "seq", "note", "decided_at",
                              "cancelled_at", "created_at", "updated_at"], now)
    ct = Table(CheckIn, ["id", "activity_id", "registration_id", "walk_in_name", "walk_in_mobile",
                         "checked_in_at", "by_id"], now)
    reg_id = chk_id = 0
    seq_updates = []
    with ExitStack() as stack:
        rt.open(stack, stack.enter_context(connect(url)))
        ct.open(stack, stack.enter_context(connect(url)))
        for (aid, day, cap, _status, start), k in zip(published, counts, strict=True):
            k = min(k, resident_count)
            past = day < today_off
            d = first_day + timedelta(days=day)
            reg_at = ts(d - timedelta(days=1 + aid % 5), 12 * 60)
            confirmed = 0
            for seq, resident in enumerate(rnd.sample(range(first_res, last_res + 1), k), start=1):
                reg_id += 1
                if rnd.random() < 0.04:
                    status, cancelled = "cancelled", reg_at
                elif confirmed < cap:
                    status, cancelled = "confirmed", None
                    confirmed += 1
                else:
                    status, cancelled = "waitlisted", None
                rt.add(row(reg_id, aid, resident, status, seq, "", None, cancelled, reg_at, reg_at))
                if past and status == "confirmed" and rnd.random() < 0.8:
                    chk_id += 1
                    ct.add(row(chk_id, aid, reg_id, "", "", start, None))
            seq_updates.append((k, aid))
        rt.flush()
        ct.flush()
    timings["registrations_copy"] = time.perf_counter() - t

    t = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE seqs (n int, id bigint)")
        with cur.copy("COPY seqs (n, id) FROM STDIN") as cp:
            cp.write("".join(f"{n}\t{i}\n" for n, i in seq_updates).encode())
        cur.execute(f'UPDATE "{Activity._meta.db_table}" a SET registration_seq = s.n FROM seqs s WHERE a.id = s.id')  # noqa: S608
    for statement in recreate:
        conn.execute(statement)
    timings["indexes"] = time.perf_counter() - t

    t = time.perf_counter()
    for table in tables:
        next_id = f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}")'  # noqa: S608
        setval = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {next_id}, false)"
        conn.execute(setval)
        conn.execute(f'VACUUM ANALYZE "{table}"')
    timings["vacuum_analyze"] = time.perf_counter() - t
    # The load bypassed the triggers that keep the assessment rollups: recompute them.
    from quntuan.assessment.rollups import rebuild_all

    t = time.perf_counter()
    rebuild_all()
    timings["rollups"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_all
    conn.close()

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size(%s)), pg_size_pretty(pg_total_relation_size(%s))",
                    [Registration._meta.db_table, Booking._meta.db_table])
        reg_size, booking_size = cur.fetchone()
    manifest = {
        "generated_at": now.isoformat(), "venues": len(venues), "activities": len(activities),
        "bookings": n_booking, "busiest_venue_id": 1, "busiest_venue_bookings": per_venue[0],
        "registrations": reg_id, "checkins": chk_id,
        "first_day": first_day.isoformat(), "last_day": (first_day + timedelta(days=n_days - 1)).isoformat(),
        "status_counts": {s: sum(1 for a in activities if a[3] == s) for s in ("published", "cancelled", "draft")},
        "sizes": {"registrations": reg_size, "bookings": booking_size},
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict["NAME"]
    (OUT / f"activities-{db}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
