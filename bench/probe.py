"""Quick per-request probe of the hot paths on the generated data set, without gunicorn:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/probe.py [--runs 20] [--sql] [--explain]

For a submission (``POST /api/cases/`` as a resident, inside a transaction that is rolled back,
so the data set is left as it was), the staff queue page and 三率 over a year, prints the
number of SQL statements, the median and best time in-process, and with ``--sql`` the
statements themselves (``--explain``: their plans, EXPLAIN ANALYZE, reads only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


class _Rollback(Exception):
    pass


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--sql", action="store_true")
    p.add_argument("--explain", action="store_true")
    p.add_argument("--only", default="submit,queue,rates")
    p.add_argument("--profile", action="store_true", help="cProfile the runs after the first")
    args = p.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    sys.path.insert(0, str(ROOT / "bench"))
    from load import make_session  # noqa: PLC0415

    from quntuan.accounts.models import Role, User
    from quntuan.cases.models import Case
    from quntuan.cases.queries import org_three_rates
    from quntuan.catalog.models import Service
    from quntuan.organizations.models import Membership, Organization, Region

    manifest = json.loads((ROOT / "bench" / "out" / f"dataset-{settings.DATABASES['default']['NAME']}.json")
                          .read_text())
    org = Organization.objects.select_related("district").get(pk=manifest["accounts"]["big_org_id"])
    staff = User.objects.get(pk=Membership.objects.filter(organization=org, role=Membership.Role.STAFF)
                             .order_by("user_id").values_list("user_id", flat=True)[0])
    resident = User.objects.filter(role=Role.RESIDENT, pk__in=Case.objects.filter(pk__lt=1000)
                                   .values("requester_id")).first()
    services = list(Service.objects.filter(organization__district=org.district, is_active=True)
                    .values_list("id", flat=True))
    communities = list(Region.objects.filter(district=org.district, level=Region.Level.COMMUNITY)
                       .values_list("id", flat=True))
    rnd = random.Random(3)
    cookie = settings.SESSION_COOKIE_NAME
    token = "b3nchCsrfT0kenForLoadTesting0001"

    def run(name, fn, *, rollback: bool):
        times, last = [], None
        profiler = None
        for i in range(args.runs):
            if args.profile and i == 1:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                try:
                    with transaction.atomic():
                        result = fn()
                        if rollback:
                            raise _Rollback
                except _Rollback:
                    pass
                times.append((time.perf_counter() - t) * 1000)
            last = ctx.captured_queries
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        print(f"{name}: {len(last)} statements, median {statistics.median(times):.1f} ms, best {min(times):.1f} ms"
              + (f", status {result.status_code}" if hasattr(locals().get('result'), 'status_code') else ""))
        if args.sql or args.explain:
            for q in last:
                print("   ", q["time"], q["sql"][:400])
                if args.explain and q["sql"].lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        print("\n".join("      " + r[0] for r in cur.fetchall()))

    only = set(args.only.split(","))
    if "submit" in only:
        rs = make_session(resident, False)
        client = Client(HTTP_X_FORWARDED_FOR="10.0.0.1")
        client.cookies[cookie] = rs
        client.cookies[settings.CSRF_COOKIE_NAME] = token

        def submit():
            body = {"title": "小区楼道照明损坏需要维修", "content": "楼道灯坏了两个星期,希望尽快协调维修。",
                    "service_id": services[rnd.randrange(len(services))],
                    "community_id": communities[rnd.randrange(len(communities))], "channel": "web"}
            r = client.post("/api/cases/", data=json.dumps(body), content_type="application/json",
                            HTTP_X_CSRFTOKEN=token, HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
            assert r.status_code == 201, r.content[:300]
            return r

        run("submit_case", submit, rollback=True)
    if "queue" in only:
        ss = make_session(staff, True)
        client = Client()
        client.cookies[cookie] = ss

        def queue():
            r = client.get("/cases/workbench/?queue=org")
            assert r.status_code == 200
            return r

        run("staff_queue", queue, rollback=False)
    if "rates" in only:
        today = timezone.localdate()
        run("org_three_rates", lambda: org_three_rates(organization=org, start=today - timedelta(days=365), end=today),
            rollback=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
