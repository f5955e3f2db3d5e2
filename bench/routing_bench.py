"""Routing at city size: the duplicate check at intake and a routing suggestion, timed directly
(no HTTP) against the benchmark database.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/routing_bench.py [--samples 300] [--seed 7]

The duplicate check needs the index ``case_community_recent`` (cases migration 0006) and the
stored clues column (0010); the script says so and stops if either is missing. It writes only
what intake would have stored: the ``clues`` column of candidate cases that have none yet (the
bench data is loaded without the services), in an untimed first pass over the samples — the
same lazy write-back a running site does once per case (``manage.py case_clues`` fills them all
in batches instead).

For each sample an existing case is taken at random and its text is checked as if it arrived
again at intake (``cases.queries.likely_duplicates``: one candidate statement — same community,
received in the 60 days before the sample case or still open, visible to the user, at most
200 + 50, with their stored clues — then the clue comparison of ``routing_duplicates``; only the
new text is segmented). Timed three ways:

* ``query``: the candidate statement alone (the database part);
* ``cold``: the whole check with the per-process clue cache and the compiled case policies
  emptied before each sample (a process that has never seen these candidates nor this user: the
  clues come from the database, the user's memberships are read and the policy compiled);
* ``warm``: the whole check again (as in a running web worker).
* ``unstored`` (first pass, only when candidates had no stored clues): the check that computes
  and writes back the missing clues, the cost once per case after the column was added.

The user is a staff member of the sample case's handling organization (the case policy's
filter applies), the suggestions for the text are computed separately (as on the intake page,
where they are shown anyway) and passed in. A suggestion (``routing_suggest``) is timed on
the same texts. Prints p50/p95/p99/max in milliseconds and the plan of one candidate query;
writes bench/out/routing.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
else:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def pct(values: list[float], p: float) -> float:
    data = sorted(values)
    if not data:
        return 0.0
    k = min(len(data) - 1, max(0, round(p / 100 * (len(data) - 1))))
    return round(data[k], 2)


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99),
            "max": round(max(values), 2) if values else 0.0,
            "mean": round(statistics.fmean(values), 2) if values else 0.0}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--recent-days", type=int, default=90)
    parser.add_argument("--by-address", action="store_true",
                        help="look for duplicates by the case's address in its district instead of its community")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from quntuan.cases import queries
    from quntuan.cases.models import Case
    from quntuan.core import policies
    from quntuan.organizations.models import Membership
    from quntuan.routing import services

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'case_community_recent'")
            if cur.fetchone() is None:
                raise SystemExit("index case_community_recent is missing: run `manage.py migrate cases "
                                 "0006_merged_status_and_community_recent_index` on this database first")
            cur.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'cases_case' "
                        "AND column_name = 'clues'")
            if cur.fetchone() is None:
                raise SystemExit("column cases_case.clues is missing: run `manage.py migrate cases "
                                 "0010_case_clues` on this database first (no table rewrite)")
    total = Case.objects.count() if connection.vendor != "postgresql" else _estimate(connection)
    rnd = random.Random(args.seed)

    # warm up: the model, jieba's dictionary, the connection
    services.routing_suggest(text="公司拖欠工资三个月")
    # New reports arrive now: the samples are cases of the last --recent-days of the data.
    latest = Case.objects.aggregate(m=Max("received_at"))["m"]
    recent_ids = list(Case.objects.filter(received_at__gte=latest - timedelta(days=args.recent_days),
                                          community__isnull=False).values_list("id", flat=True))
    samples = []
    for pk in rnd.sample(recent_ids, min(len(recent_ids), args.samples * 2)):
        if len(samples) >= args.samples:
            break
        case = (Case.objects.filter(pk=pk).only("id", "title", "content", "district_id", "community_id", "address",
                                                "received_at", "handling_org_id").get())
        user_id = (Membership.objects.filter(organization_id=case.handling_org_id, user__is_active=True)
                   .order_by("id").values_list("user_id", flat=True).first())
        if user_id is not None:
            samples.append((case, user_id))

    from quntuan.accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in samples})}
    t_query, t_cold, t_warm, t_suggest, found, candidates = [], [], [], [], 0, []
    c_warm: list[float] = []  # CPU time of this process (the Python part, without waiting)
    t_db: list[float] = []
    c_suggest: list[float] = []  # planning + execution time of the candidate queries in the server
    # First pass (untimed as a check of its own): candidates without stored clues get them, as
    # intake would have stored them.
    t_unstored: list[float] = []
    written = 0
    version = services.clue_version()
    for case, user_id in samples:
        text = f"{case.title}。{case.content}"
        kw = dict(user=users[user_id], district_id=case.district_id,
                  community_id=None if args.by_address else case.community_id,
                  address=case.address, exclude_id=case.pk, now=case.received_at)
        cats = services.routing_categories(text=text)
        stale = {r["id"] for r in queries.duplicate_candidates(categories=cats, **kw)
                 if services.clues_from_stored(r["clues"], version) is None}
        services._clues_of.cache_clear()
        t0 = time.perf_counter()
        queries.likely_duplicates(text=text, categories=cats, **kw)
        if stale:
            t_unstored.append((time.perf_counter() - t0) * 1000)
        written += len(stale)

    load_before = os.getloadavg()
    for case, user_id in samples:
        user = users[user_id]
        text = f"{case.title}。{case.content}"
        t0, c0 = time.perf_counter(), time.thread_time()
        sugg = services.routing_suggest(text=text)
        t_suggest.append((time.perf_counter() - t0) * 1000)
        c_suggest.append((time.thread_time() - c0) * 1000)
        cats = tuple(s["category"] for s in sugg)
        kw = dict(user=user, district_id=case.district_id,
                  community_id=None if args.by_address else case.community_id,
                  address=case.address, exclude_id=case.pk, now=case.received_at)

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            rows = list(queries.duplicate_candidates(categories=cats, **kw))
        t_query.append((time.perf_counter() - t0) * 1000)
        candidates.append(len(rows))
        if connection.vendor == "postgresql":
            # the server's own execution time of the same queries (not waiting for a CPU here)
            total_exec = 0.0
            with connection.cursor() as cur:
                for q in ctx.captured_queries:
                    cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                    doc = cur.fetchone()[0]
                    doc = json.loads(doc) if isinstance(doc, str) else doc
                    total_exec += doc[0]["Execution Time"] + doc[0]["Planning Time"]
            t_db.append(total_exec)

        services._clues_of.cache_clear()
        policies._compiled.clear()
        t0 = time.perf_counter()
        out = queries.likely_duplicates(text=text, categories=cats, **kw)
        t_cold.append((time.perf_counter() - t0) * 1000)
        t0, c0 = time.perf_counter(), time.thread_time()
        queries.likely_duplicates(text=text, categories=cats, **kw)
        t_warm.append((time.perf_counter() - t0) * 1000)
        c_warm.append((time.thread_time() - c0) * 1000)
        found += bool(out)

    plan = ""
    if connection.vendor == "postgresql":
        case, user_id = samples[0]
        user = users[user_id]
        text = f"{case.title}。{case.content}"
        with CaptureQueriesContext(connection) as ctx:
            list(queries.duplicate_candidates(user=user, district_id=case.district_id,
                                              community_id=None if args.by_address else case.community_id,
                                              address=case.address, exclude_id=case.pk, now=case.received_at,
                                              categories=services.routing_categories(text=text)))
        # the query that reads the big table for the recent candidates
        sql = next(q["sql"] for q in ctx.captured_queries if f"LIMIT {queries.DUPLICATE_SCAN}" in q["sql"])
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())

    result = {
        "cases": total,
        "samples": len(samples),
        "candidates_per_check": summary([float(c) for c in candidates]),
        "with_a_likely_duplicate": found,
        "sampled_from_last_days": args.recent_days,
        "duplicate_query_ms": summary(t_query),
        "duplicate_check_cold_ms": summary(t_cold),
        "duplicate_check_warm_ms": summary(t_warm),
        "duplicate_check_warm_cpu_ms": summary(c_warm),
        "duplicate_query_server_ms": summary(t_db),
        "duplicate_check_unstored_ms": summary(t_unstored),
        "clues_written_in_first_pass": written,
        "load_average": [round(x, 1) for x in (*load_before, *os.getloadavg())],
        "cpus": os.cpu_count(),
        "suggestion_ms": summary(t_suggest),
        "suggestion_cpu_ms": summary(c_suggest),
        "database": connection.vendor,
        "by": "address" if args.by_address else "community",
        "plan": plan,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "plan"}, ensure_ascii=False, indent=2))
    if plan:
        print(plan)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / ("routing-address.json" if args.by_address else "routing.json")).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _estimate(connection) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        return cur.fetchone()[0]


if __name__ == "__main__":
    main()
