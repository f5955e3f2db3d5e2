"""Search at city size: ``quntuan.search.queries.search`` over the catalogue, plans, activities
and 2,000,000 cases, called by 32 concurrent clients.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_perf_bench \\
        uv run python bench/search_bench.py [--clients 32] [--processes 2] [--seconds 60]

The database must hold the bench data set (``bench/generate.py``) and the search index
(``manage.py search_reindex --defer-index``). The clients call the query function directly —
the same call the /search/ page and /api/search/ make, including the permission keys, the
PostgreSQL full-text query, the policy check of the page and the highlighting — from
``--processes`` processes of ``clients / processes`` threads each, each thread with its own
database connection, with no pause between requests (closed loop). HTTP, templates and
sessions are not part of the measurement.

Each request is a user and a query drawn with a fixed seed: staff of random organizations (50 %),
supervisors (10 %), residents who have cases (30 %) and visitors (10 %); the queries are matters
residents write about, organization names in Chinese and pinyin, community names and tracking
numbers. Latencies (p50/p90/p99/max) are printed per user type and overall, with the throughput,
and written to bench/out/search.json; ``--explain`` also writes the plans of the statement for a
few users and queries to bench/out/plans/search_plans.txt, and ``--single FILE`` then runs one
client alone. The load average is sampled every 5 s while the clients run (the machine may be
shared: read it next to the figures).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "下岗", "老人重病", "助学", "无障碍", "油烟扰民", "道路积水", "夜校", "欠薪", "拖欠工资", "家庭暴力",
    "法律援助", "盲道", "青少年权益", "女童", "残疾人", "就业培训", "心理咨询", "工伤", "维权 咨询",
    "区总工会", "区妇联", "共青团", "zgh", "zonggonghui", "fulian", "残联",
]
WEIGHTS = {"staff": 50, "supervisor": 10, "resident": 30, "visitor": 10}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--warmup", type=float, default=10)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--explain", action="store_true")
    p.add_argument("--out", default=str(ROOT / "bench" / "out" / "search.json"))
    p.add_argument("--single", default=None, metavar="FILE",
                   help="afterwards also run one client alone (--single-seconds) and write FILE")
    p.add_argument("--single-seconds", type=float, default=40)
    p.add_argument("--cache-seconds", type=float, default=0,
                   help="turn on the candidate cache (queries.CANDIDATE_CACHE_SECONDS) for this run; 0: off")
    return p.parse_args(argv)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def sample_people(seed: int) -> dict:
    """Ids of the users the clients act as, and the extra queries (communities, tracking numbers)."""
    from django.db import connection

    rnd = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT m.user_id FROM organizations_membership m JOIN accounts_user u ON u.id = m.user_id "
                       "WHERE u.role IN ('staff', 'org_leader') AND u.is_active ORDER BY m.user_id LIMIT 5000")
        staff = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT id FROM accounts_user WHERE role = 'supervisor' AND is_active AND region_id IS NOT NULL")
        supervisors = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT requester_id, tracking_no FROM cases_case TABLESAMPLE SYSTEM (0.05) "
                       "WHERE requester_id IS NOT NULL LIMIT 500")
        rows = cursor.fetchall()
        cursor.execute("SELECT name FROM organizations_region WHERE level = 'community' ORDER BY id")
        communities = [r[0] for r in cursor.fetchall()]
    return {
        "staff": rnd.sample(staff, min(200, len(staff))),
        "supervisor": supervisors,
        "resident": [r[0] for r in rows][:200],
        "tracking": [r[1] for r in rows][200:300] or [r[1] for r in rows][:50],
        "communities": rnd.sample(communities, min(50, len(communities))),
    }


def make_plan(people: dict, seed: int, n: int) -> list[tuple[str, int | None, str]]:
    rnd = random.Random(seed)
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    plan = []
    for _ in range(n):
        kind = rnd.choices(kinds, weights)[0]
        user_id = rnd.choice(people[kind]) if kind != "visitor" else None
        r = rnd.random()
        if r < 0.1 and kind in ("staff", "supervisor"):
            query = rnd.choice(people["tracking"])
        elif r < 0.2:
            query = rnd.choice(people["communities"])
        else:
            query = rnd.choice(QUERIES)
        plan.append((kind, user_id, query))
    return plan


def worker(index: int, args, people: dict, start_at: float, results):
    setup_django()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from quntuan.accounts.models import User
    from quntuan.search import queries
    from quntuan.search.queries import search
    from quntuan.search.text import parse_query

    queries.CANDIDATE_CACHE_SECONDS = args.cache_seconds
    warm_stats: dict = {}
    parse_query("预热")  # jieba and pypinyin dictionaries, once per process
    threads_per_process = args.clients // args.processes
    samples: list[tuple[str, float, float, int, str]] = []
    lock = threading.Lock()
    errors: list[str] = []

    def client(slot: int):
        plan = make_plan(people, args.seed * 1000 + index * 100 + slot, 100_000)
        users: dict[int, object] = {}
        i = 0
        while time.time() < start_at:
            time.sleep(0.01)
        end_warm = start_at + args.warmup
        end = end_warm + args.seconds
        while True:
            now = time.time()
            if now >= end:
                break
            if slot == 0 and not warm_stats and now >= end_warm:
                warm_stats.update(queries.cache_stats)
            kind, user_id, query = plan[i % len(plan)]
            i += 1
            if user_id is None:
                user = AnonymousUser()
            else:
                user = users.get(user_id)
                if user is None:
                    user = users[user_id] = User.objects.get(pk=user_id)
            t0 = time.perf_counter()
            try:
                result = search(user=user, query=query)
                hits = len(result.hits)
            except Exception as exc:  # a failure is a result too
                hits = -1
                errors.append(f"{kind} {query}: {exc!r}")
            elapsed = (time.perf_counter() - t0) * 1000
            if now >= end_warm:
                with lock:
                    samples.append((kind, now, elapsed, hits, query))
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(threads_per_process)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cache = {k: queries.cache_stats[k] - warm_stats.get(k, 0) for k in queries.cache_stats}
    results.put({"samples": samples, "errors": errors[:20], "n_errors": len(errors), "cache": cache})


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def summary(latencies: list[float], seconds: float) -> dict:
    return {
        "n": len(latencies),
        "per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p90_ms": round(percentile(latencies, 90), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else 0.0,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
    }


EXPLAIN_CASES = [("staff", "拖欠工资"), ("staff", "区总工会"), ("supervisor", "区总工会"), ("visitor", "zgh"),
                 ("visitor", "fulian")]


def explain(people: dict, out_dir: Path):
    """EXPLAIN (ANALYZE, BUFFERS) of the one statement ``queries.search`` sends, for a few users
    and queries (a selective matter, an organization name in Chinese, its pinyin)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from quntuan.accounts.models import User
    from quntuan.search import permissions
    from quntuan.search.queries import kinds_for, postgres_statement, scoped_kinds
    from quntuan.search.text import parse_query

    out = []
    for kind, query in EXPLAIN_CASES:
        user = AnonymousUser() if kind == "visitor" else User.objects.get(pk=people[kind][0])
        parsed = parse_query(query)
        scoped = scoped_kinds(kinds_for(user), parsed, permissions.user_keys(user))
        sql, params, _probes = postgres_statement(scoped, parsed, False)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        out.append(f"-- {kind} {query!r}: keys {scoped}\n{plan}\n")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "search_plans.txt").write_text("\n".join(out), encoding="utf-8")
    print("\n".join(out))


def main(argv=None):
    args = parse_args(argv)
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM search_document GROUP BY kind ORDER BY kind")
        index = dict(cursor.fetchall())
    print("index:", index)
    people = sample_people(args.seed)
    print({k: len(v) for k, v in people.items()})
    if args.explain:
        explain(people, ROOT / "bench" / "out" / "plans")
    connection.close()

    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    start_at = time.time() + 20  # every process loaded and warm before the clock starts
    procs = [ctx.Process(target=worker, args=(i, args, people, start_at, results)) for i in range(args.processes)]
    load_before = os.getloadavg()
    for p in procs:
        p.start()
    loads, collected = [], []
    while len(collected) < len(procs):  # the load average every 5 s while the clients run
        try:
            collected.append(results.get(timeout=5))
        except queue.Empty:
            loads.append(round(os.getloadavg()[0], 2))
    for p in procs:
        p.join()
    load_after = os.getloadavg()

    samples = [s for c in collected for s in c["samples"]]
    latencies = [s[2] for s in samples]
    report = {
        "clients": args.clients, "processes": args.processes, "seconds": args.seconds, "warmup": args.warmup,
        "index": index, "load_before": load_before, "load_after": load_after, "load_1min_every_5s": loads,
        "overall": summary(latencies, args.seconds),
        "by_user": {k: summary([s[2] for s in samples if s[0] == k], args.seconds) for k in WEIGHTS},
        "empty_results": sum(1 for s in samples if s[3] == 0),
        "by_query": {q: summary([s[2] for s in samples if s[4] == q], args.seconds)["p50_ms"]
                     for q in sorted({s[4] for s in samples if not s[4].startswith("QT-")})},
        "slowest": sorted(((round(s[2], 1), s[0], s[4]) for s in samples), reverse=True)[:15],
        "candidate_cache_seconds": args.cache_seconds,
        "candidate_cache": {k: sum(c["cache"][k] for c in collected) for k in ("hits", "misses")},
        "errors": sum(c["n_errors"] for c in collected),
        "error_examples": [e for c in collected for e in c["errors"]][:10],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.single:
        single = ["--clients", "1", "--processes", "1", "--seconds", str(args.single_seconds),
                  "--warmup", str(args.warmup), "--seed", str(args.seed), "--out", args.single,
                  "--cache-seconds", str(args.cache_seconds)]
        main(single)


if __name__ == "__main__":
    main()
