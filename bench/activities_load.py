"""Load scenarios for activities and venues, plus the booking conflict check's query plans.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/activities_load.py [--duration 20] [--clients 32] \\
            [--out bench/out/activities-results.json]

Run bench/generate.py and bench/activities_generate.py first. Helpers (sessions, the HTTP
client, gunicorn, the measuring loop, EXPLAIN) come from bench/load.py. The script

1. times without HTTP, inside transactions that are rolled back: creating an activity with a
   venue booking at the busiest venue (free slot) and one that clashes (the Conflict path), and
   saves EXPLAIN (ANALYZE, BUFFERS) of the conflict query (``venue_busy``), of a probe of the
   exclusion constraint's GiST index, and of the calendar month page's queries;
2. starts gunicorn with 2 sync workers on 127.0.0.1 and drives, with 32 concurrent clients,
   the Django floor (``/bench/floor/json``, ``/bench/floor/query``), the public calendar month
   view filtered by a street, booking (``POST /api/activities/`` with a venue: each client
   books its own venue in free slots of the coming months, every eighth request deliberately
   repeats its previous slot and must get 409), and registration
   (``POST /api/activities/{id}/register``, 32 residents, each on activities of its own);
3. deletes what the load created (activities, bookings, registrations, their events), so runs
   can be repeated on the same data, and writes everything to a JSON file.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.load import (  # noqa: E402
    HOST,
    OUT,
    Scenario,
    capture,
    client_request,
    drive,
    explain_all,
    flush_redis,
    free_port,
    http_get,
    http_post_json,
    machine_info,
    make_session,
    start_gunicorn,
    stop_gunicorn,
)

TITLE = "基准测试预约讲座"
TOKEN = "b3nchCsrfT0kenForLoadTesting0001"  # 32 characters: an unmasked CSRF secret
# Free slots: the generator uses 09:00–11:00, 14:00–16:00 and 19:00–20:30 (+30 min buffer).
FREE_SLOTS = [((11, 30), (13, 0)), ((16, 30), (18, 30))]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--scenarios", default="all")
    p.add_argument("--no-http", action="store_true", help="only the direct timings and plans")
    p.add_argument("--out", default=str(OUT / "activities-results.json"))
    return p.parse_args(argv)


def local(day, hm) -> datetime:
    from django.utils import timezone

    return datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=timezone.get_current_timezone())


def prepare(clients: int, rnd: random.Random) -> dict:
    from django.conf import settings
    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from quntuan.accounts.models import Role, User
    from quntuan.activities.models import Activity, ActivityStatus, Booking, Venue
    from quntuan.activities.queries import local_range
    from quntuan.cases.models import Case
    from quntuan.organizations.models import Membership

    now = timezone.localtime()
    today = now.date()
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    lo, hi = local_range(first, nxt)
    streets = [s for s, _ in Activity.objects.filter(status=ActivityStatus.PUBLISHED, start__lt=hi, end__gt=lo)
               .exclude(street=None).values("street").annotate(n=Count("id")).order_by("-n", "street")
               .values_list("street", "n")[:20]]

    # Booking: distinct venues (the busiest first) whose owner has staff; one staff member each.
    staff_of = {}
    for org_id, user_id in Membership.objects.filter(role=Membership.Role.STAFF).order_by("user_id").values_list(
            "organization_id", "user_id"):
        staff_of.setdefault(org_id, user_id)
    busiest = (Booking.objects.values("venue").annotate(n=Count("id")).order_by("-n").values_list("venue", flat=True)
               .first())
    venues = []
    for v in Venue.objects.filter(Q(pk=busiest) | Q(is_active=True)).order_by("id")[:2000]:
        if v.owner_id in staff_of and (v.pk == busiest or len(venues) < clients - 1):
            venues.append(v)
    venues.sort(key=lambda v: v.pk != busiest)
    venues = venues[:clients]
    users = {u.pk: u for u in User.objects.filter(pk__in=[staff_of[v.owner_id] for v in venues])}
    bookers = [(make_session(users[staff_of[v.owner_id]], True), v.pk, v.owner_id) for v in venues]

    # Registration: residents, each on open future activities of its own.
    open_ids = list(Activity.objects.filter(status=ActivityStatus.PUBLISHED, needs_approval=False,
                                            start__gt=now + timedelta(days=1), registration_closes=None,
                                            registration_opens=None)
                    .order_by("id").values_list("id", flat=True)[:20000])
    rnd.shuffle(open_ids)
    first_resident = User.objects.filter(role=Role.RESIDENT).order_by("id").values_list("id", flat=True).first()
    residents = list(User.objects.filter(role=Role.RESIDENT, pk__gte=first_resident + 1000).order_by("id")[:clients])
    return {
        "today": today, "month": f"{first:%Y-%m}", "streets": streets,
        "busiest_venue": busiest, "bookers": bookers,
        "residents": [(u.pk, make_session(u, False)) for u in residents], "open_activities": open_ids,
        "max_case_id": Case.objects.aggregate(m=Max("id"))["m"] or 1,
        "cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "started": now,
    }


# ---------------------------------------------------------------------------------------------
# Direct timings and plans


def direct(prep: dict) -> dict:
    from django.db import connection, transaction

    from quntuan.accounts.models import User
    from quntuan.activities import services
    from quntuan.activities.models import Activity, Booking, Venue
    from quntuan.core.exceptions import Conflict
    from quntuan.organizations.models import Organization

    out: dict = {}
    venue = Venue.objects.get(pk=prep["busiest_venue"])
    out["busiest_venue"] = {"id": venue.pk, "bookings": Booking.objects.filter(venue=venue).count(),
                            "activities_total": Activity.objects.count(),
                            "bookings_total": Booking.objects.count()}
    session, vid, owner_id = prep["bookers"][0]
    assert vid == venue.pk
    from django.contrib.sessions.backends.db import SessionStore

    actor = User.objects.get(pk=SessionStore(session_key=session)["_auth_user_id"])
    owner = Organization.objects.get(pk=owner_id)
    # A day in the middle of the venue's history-to-come: bookings on both sides.
    day = prep["today"] + timedelta(days=60)
    taken = (Booking.objects.filter(venue=venue, status=Booking.Status.ACTIVE, block_start__gte=local(day, (0, 0)))
             .order_by("block_start").first())

    def create(start, end):
        data = services.ActivityInput(kind="lecture", title=TITLE, start=start, end=end, capacity=20, venue=venue)
        return services.activity_create(actor=actor, primary_host=owner, data=data)

    ok_runs, clash_runs = [], []
    for i in range(7):
        with transaction.atomic():
            d = day + timedelta(days=i)
            _, elapsed, queries_ok = capture(lambda d=d: create(local(d, (11, 30)), local(d, (13, 0))))
            ok_runs.append(elapsed * 1000)
            transaction.set_rollback(True)
        with transaction.atomic():
            try:
                _, elapsed, queries_clash = capture(lambda: create(taken.start, taken.end))
                raise SystemExit("the clashing booking was accepted")
            except Conflict:
                pass
            t0 = time.perf_counter()
            transaction.set_rollback(True)
        with transaction.atomic():
            t0 = time.perf_counter()
            try:
                create(taken.start, taken.end)
            except Conflict:
                clash_runs.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
    out["booking_service"] = {
        "venue": venue.pk, "day": day.isoformat(),
        "free_slot_runs_ms": [round(x, 1) for x in ok_runs], "free_slot_median_ms": round(statistics.median(ok_runs), 1),
        "clash_runs_ms": [round(x, 1) for x in clash_runs], "clash_median_ms": round(statistics.median(clash_runs), 1),
        "queries_free_slot": len(queries_ok),
    }
    print(f"booking service at the busiest venue: free slot {out['booking_service']['free_slot_median_ms']} ms, "
          f"clash {out['booking_service']['clash_median_ms']} ms", flush=True)

    # The conflict query itself (what _book_venue runs under the venue lock).
    db = connection.settings_dict["NAME"]
    block_start, block_end = local(day, (11, 30)), local(day, (13, 30))
    _, _, q = capture(lambda: services.venue_busy(venue, block_start, block_end, exclude_activity_id=0))
    out["conflict_query"] = explain_all(f"activities_conflict_{db}", q)
    _, _, q = capture(lambda: services.venue_busy(venue, taken.block_start, taken.block_end, exclude_activity_id=0))
    out["conflict_query_clash"] = explain_all(f"activities_conflict_clash_{db}", q)
    # The exclusion constraint's index: the probe PostgreSQL runs for an insert, as a query.
    probe = ("SELECT id FROM activities_booking WHERE venue_id = %s::bigint AND status = 'active' "
             "AND tstzrange(block_start, block_end, '[)') && tstzrange(%s, %s, '[)')")
    # Left to itself the planner may AND the venue b-tree with the GiST index on the range alone;
    # the constraint's own check on insert searches the GiST index with both keys, which is what
    # this probe shows with bitmap scans off.
    spare = Activity.objects.filter(venue=None).order_by("id").first()
    free = (local(day, (11, 30)), local(day, (13, 0)), local(day, (13, 30)))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_bitmapscan = off")
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + probe, [venue.pk, taken.block_start, taken.block_end])
        lines = [r[0] for r in cur.fetchall()]
        # An insert of a free booking (rolled back): its time includes the constraint's check.
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) INSERT INTO activities_booking (venue_id, activity_id, start, \"end\", "
                    "block_start, block_end, status, created_at) VALUES (%s::bigint, %s, %s, %s, %s, %s, 'active', now())",
                    [venue.pk, spare.pk, free[0], free[1], free[0], free[2]])
        insert_lines = [r[0] for r in cur.fetchall()]
        transaction.set_rollback(True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_relation_size('booking_venue_no_overlap')), "
                    "pg_size_pretty(pg_relation_size('activities__venue_i_cda48c_idx'))")
        sizes = cur.fetchone()
    (OUT / "plans" / f"activities_exclusion_probe_{db}.txt").write_text(
        probe + "\n\n" + "\n".join(lines) + "\n\n-- insert of a free booking\n\n" + "\n".join(insert_lines) + "\n")
    out["exclusion_probe"] = {"plan": lines, "insert_plan": insert_lines, "gist_index_size": sizes[0], "btree_index_size": sizes[1]}
    # The calendar month page for the busiest street.
    if prep["streets"]:
        path = f"/activities/?community={prep['streets'][0]}&month={prep['month']}"
        client_request(path, None)  # the first request of a process imports the project's views
        response, elapsed, q = capture(lambda: client_request(path, None))
        out["calendar_page"] = {"path": path, "status": response.status_code, "ms": round(elapsed * 1000, 1),
                                "queries": len(q), "plans": explain_all(f"activities_calendar_{db}", q)}
        print(f"calendar: HTTP {response.status_code}, {len(q)} queries, {elapsed * 1000:.0f} ms", flush=True)
    return out


# ---------------------------------------------------------------------------------------------
# HTTP scenarios


def build_scenarios(prep: dict, clients: int) -> list[Scenario]:
    ck, csrf = prep["cookie"], prep["csrf_cookie"]
    streets, month = prep["streets"], prep["month"]
    bookers, residents, pool = prep["bookers"], prep["residents"], prep["open_activities"]
    today = prep["today"]
    per_client = max(1, len(pool) // max(1, len(residents)))
    booked: dict[int, int] = {}
    registered: dict[int, int] = {}

    def post(path, body, session):
        return http_post_json(path, body, cookies={ck: session, csrf: TOKEN},
                              headers={"X-CSRFToken": TOKEN, "Referer": f"http://{HOST}/"})

    def book(i, rnd):
        session, venue_id, owner_id = bookers[i % len(bookers)]
        n = booked.get(i, 0)
        booked[i] = n + 1
        # Every eighth request repeats the previous slot on purpose: a clash, answered 409.
        k = n - 1 if n % 8 == 7 else n - n // 8
        day = today + timedelta(days=2 + k // len(FREE_SLOTS))
        a, b = FREE_SLOTS[k % len(FREE_SLOTS)]
        body = {"primary_host_id": owner_id, "kind": "lecture", "title": TITLE, "capacity": 20,
                "venue_id": venue_id, "start": local(day, a).isoformat(), "end": local(day, b).isoformat()}
        return post("/api/activities/", body, session)

    def register(i, rnd):
        _, session = residents[i % len(residents)]
        n = registered.get(i, 0)
        registered[i] = n + 1
        activity = pool[(i % len(residents)) * per_client + n % per_client]
        return post(f"/api/activities/{activity}/register", {}, session)

    return [
        Scenario("floor_json", lambda i, rnd: http_get("/bench/floor/json"),
                 "Django floor: bare JsonResponse through the full middleware stack"),
        Scenario("floor_query", lambda i, rnd: http_get(f"/bench/floor/query?id={rnd.randint(1, prep['max_case_id'])}"),
                 "Django floor: one indexed query (case by primary key)"),
        Scenario("calendar_month", lambda i, rnd: http_get(
            f"/activities/?community={streets[rnd.randrange(len(streets))]}&month={month}"),
                 f"public calendar, month {month}, filtered by one of the {len(streets)} busiest streets"),
        Scenario("booking", book, "POST /api/activities/ with a venue as its owner's staff; "
                                  "every 8th request repeats a slot (409 expected)"),
        Scenario("registration", register, "POST /api/activities/{id}/register as a logged-in resident"),
    ]


def cleanup(prep: dict) -> dict:
    """Delete what the load created, so the data stays as generated."""
    from django.db import transaction

    from quntuan.activities.models import Activity, ActivityEvent, Registration

    resident_ids = [pk for pk, _ in prep["residents"]]
    with transaction.atomic():
        regs = Registration.objects.filter(resident_id__in=resident_ids, created_at__gte=prep["started"])
        ActivityEvent.objects.filter(registration__in=regs).delete()
        n_reg = regs.delete()[0]
        acts = Activity.objects.filter(title=TITLE, created_at__gte=prep["started"])
        n_act = acts.count()
        from quntuan.activities.models import Booking

        Booking.objects.filter(activity__in=acts).delete()
        acts.delete()
    return {"registrations_deleted_rows": n_reg, "activities_deleted": n_act}


def index_scans() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = 'activities_booking'")
        return dict(cur.fetchall())


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]["NAME"]
    manifest_path = OUT / f"activities-{db}.json"
    if not manifest_path.exists():
        raise SystemExit(f"run bench/activities_generate.py first ({manifest_path} is missing)")
    (OUT / "plans").mkdir(parents=True, exist_ok=True)
    prep = prepare(args.clients, random.Random(11))
    results: dict = {"machine": machine_info(), "dataset": json.loads(manifest_path.read_text()),
                     "method": {"clients": args.clients, "duration_s": args.duration, "warmup_s": args.warmup,
                                "server": f"gunicorn, {args.workers} sync workers", "settings": "bench.settings"},
                     "loadavg_start": os.getloadavg()}
    try:
        results["direct"] = direct(prep)
        results["http"] = []
        if not args.no_http:
            scenarios = build_scenarios(prep, args.clients)
            wanted = None if args.scenarios == "all" else set(args.scenarios.split(","))
            connections.close_all()
            port = args.port or free_port()
            os.environ["GUNICORN_CMD_ARGS"] = "--config python:bench.activities_gunicorn"
            proc = start_gunicorn(port, args.workers)
            try:
                for sc in scenarios:
                    if wanted is not None and sc.name not in wanted:
                        continue
                    before = index_scans() if sc.name == "booking" else None
                    res = asyncio.run(drive(sc, port, args.clients, args.warmup, args.duration,
                                            seed=len(results["http"])))
                    if before is not None:
                        after = index_scans()
                        res["index_scans"] = {k: after.get(k, 0) - v for k, v in before.items()}
                    results["http"].append(res)
                    print(f"{sc.name:16s} {res['rps']:8.1f} req/s  p50 {res['p50_ms']} ms  p99 {res['p99_ms']} ms  "
                          f"errors {res['errors']} {res['statuses']}  load {res['loadavg_1m']}", flush=True)
            finally:
                stop_gunicorn(proc)
                flush_redis()
    finally:
        results["cleanup"] = cleanup(prep)
    results["loadavg_end"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
