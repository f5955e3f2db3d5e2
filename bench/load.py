"""Load scenarios against gunicorn (2 sync workers), plus direct timings without HTTP.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/load.py [--duration 20] [--clients 32] [--out bench/out/results.json]

Run bench/generate.py first. The script

1. prepares logged-in sessions (staff of the organization with the most open cases, its
   leader, residents who have cases) directly in the session store, as a login would;
2. times without HTTP: ``org_three_rates`` for that organization over a year and
   ``escalation_sweep`` over all open cases (inside a transaction that is rolled back, so the
   data stays as generated), and saves EXPLAIN (ANALYZE, BUFFERS) of every SELECT that the
   scenarios' pages and functions run to bench/out/plans/;
3. starts gunicorn with 2 sync workers on 127.0.0.1 and drives each scenario with 32 concurrent
   keep-alive-capable clients (asyncio, raw HTTP/1.1; gunicorn's sync workers close the
   connection after each response, so clients reconnect as browsers would) for a bounded time,
   reporting requests/s, p50, p99 and errors;
4. writes everything to a JSON file.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=20.0, help="seconds measured per scenario")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per scenario (not measured)")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--port", type=int, default=0, help="0: any free port")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--scenarios", default="all", help="comma-separated names, or all")
    p.add_argument("--skip-direct", action="store_true", help="skip the direct (no HTTP) timings and plans")
    p.add_argument("--no-http", action="store_true", help="only the direct timings and plans")
    p.add_argument("--out", default=str(OUT / "results.json"))
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Preparation (Django in this process)


def make_session(user, staff: bool) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "quntuan.accounts.backends.MobileOrUsernameBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if staff:
        s["last_seen"] = int(time.time())
    s.create()
    return s.session_key


def prepare(manifest: dict, clients: int, rnd: random.Random) -> dict:
    from django.conf import settings
    from django.db.models import Max
    from django.utils import timezone

    from quntuan.accounts.models import Role, User
    from quntuan.cases.models import Case
    from quntuan.catalog.models import Service
    from quntuan.organizations.models import Membership, Organization, Region

    acc = manifest["accounts"]
    org = Organization.objects.select_related("district").get(pk=acc["big_org_id"])
    staff_ids = list(Membership.objects.filter(organization=org, role=Membership.Role.STAFF)
                     .order_by("user_id").values_list("user_id", flat=True)[:clients])
    staff = list(User.objects.filter(pk__in=staff_ids))
    leader = User.objects.get(username=acc["big_org_leader"])
    # Residents who have cases: sample cases with an account, keep one case per resident.
    max_id = Case.objects.aggregate(m=Max("id"))["m"]
    sample_ids = rnd.sample(range(1, max_id + 1), min(max_id, 4000))
    rows = list(Case.objects.filter(pk__in=sample_ids).values_list("requester_id", "tracking_no", "requester_mobile"))
    residents: dict[int, str] = {}
    for requester_id, tracking_no, _mobile in rows:
        if requester_id and requester_id not in residents:
            residents[requester_id] = tracking_no
        if len(residents) >= clients:
            break
    resident_users = {u.pk: u for u in User.objects.filter(pk__in=residents, role=Role.RESIDENT)}
    lookups = [(t, m[-4:]) for _, t, m in rows]
    services = list(Service.objects.filter(organization__district=org.district, is_active=True)
                    .values_list("id", flat=True))
    communities = list(Region.objects.filter(district=org.district, level=Region.Level.COMMUNITY)
                       .values_list("id", flat=True))
    today = timezone.localdate()
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "org": org,
        "today": today,
        "max_case_id": max_id,
        "cookie": cookie,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "staff_sessions": [make_session(u, True) for u in staff],
        "staff_users": [u.username for u in staff],
        "leader_session": make_session(leader, True),
        "resident_sessions": [(make_session(resident_users[pk], False), residents[pk])
                              for pk in residents if pk in resident_users],
        "lookups": lookups,
        "services": services,
        "communities": communities,
    }


# ---------------------------------------------------------------------------------------------
# Direct timings and plans


def capture(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t
    return result, elapsed, [q["sql"] for q in ctx.captured_queries]


def explain_all(name: str, queries: list[str], modifying: bool = False) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) every SELECT (with ``modifying``, inside a transaction that is
    rolled back, also UPDATE/INSERT/WITH statements); save the plans; return a summary per query."""
    from django.db import connection

    plans_dir = OUT / "plans"
    plans_dir.mkdir(parents=True, exist_ok=True)
    summary, text = [], []
    for i, sql in enumerate(queries):
        head = sql.lstrip().upper()
        kinds = ("SELECT", "WITH", "UPDATE", "INSERT", "DELETE") if modifying else ("SELECT",)
        if not head.startswith(kinds) or "PG_TRY_ADVISORY" in head:
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [r[0] for r in cur.fetchall()]
        exec_ms = next((float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time")),
                       None)
        summary.append({"query": i, "sql": sql[:300], "execution_ms": exec_ms, "top": lines[:3]})
        text.append(f"-- query {i}: {exec_ms} ms\n{sql}\n\n" + "\n".join(lines) + "\n\n")
    (plans_dir / f"{name}.txt").write_text("".join(text))
    return summary


def client_request(path: str, session_key: str | None, *, method: str = "get", data=None):
    """Run a page through Django's test client (same middleware) to capture its queries."""
    from django.conf import settings
    from django.test import Client

    c = Client(HTTP_X_FORWARDED_FOR="10.0.0.1")
    if session_key:
        c.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if method == "get":
        return c.get(path)
    return c.post(path, data=json.dumps(data), content_type="application/json")


def direct_timings(prep: dict) -> dict:
    from django.db import transaction

    from quntuan.cases.queries import org_three_rates
    from quntuan.cases.services import escalation_sweep

    org, today = prep["org"], prep["today"]
    out: dict = {}
    start = today - timedelta(days=365)

    runs = []
    for _ in range(5):
        result, elapsed, queries = capture(lambda: org_three_rates(organization=org, start=start, end=today))
        runs.append(elapsed * 1000)
    out["three_rates_year"] = {
        "organization": f"{org.district.name}{org.name}", "start": start.isoformat(), "end": today.isoformat(),
        "runs_ms": [round(r, 1) for r in runs], "median_ms": round(statistics.median(runs), 1),
        "queries": len(queries), "counts": result["counts"], "score": result["score"],
        "plans": explain_all("three_rates", queries),
    }
    print(f"org_three_rates (year): median {out['three_rates_year']['median_ms']} ms {runs}", flush=True)

    # The sweep writes; run it inside a transaction that is rolled back so the data stays.
    sweeps = []
    for run in range(2):
        with transaction.atomic():
            result, elapsed, queries = capture(lambda: escalation_sweep(today=today))
            again, elapsed2, _q = capture(lambda: escalation_sweep(today=today))
            plans = explain_all("escalation_sweep", queries, modifying=True) if run == 0 else None
            transaction.set_rollback(True)
        sweeps.append({"first_run_ms": round(elapsed * 1000, 1), "result": result,
                       "repeat_run_ms": round(elapsed2 * 1000, 1), "repeat_result": again,
                       "queries": len(queries)})
        if plans is not None:
            sweeps[-1]["plans"] = plans
        print(f"escalation_sweep: {elapsed * 1000:.0f} ms {result}; repeat {elapsed2 * 1000:.0f} ms", flush=True)
    from quntuan.cases.models import OPEN_STATUSES, Case

    out["escalation_sweep"] = {"open_cases": Case.objects.filter(status__in=OPEN_STATUSES).count(), "runs": sweeps}

    # Plans of what the HTTP scenarios run.
    pages = {
        "staff_queue": ("/cases/workbench/?queue=org", prep["staff_sessions"][0], "get", None),
        "resident_detail": (f"/cases/{prep['resident_sessions'][0][1]}/", prep["resident_sessions"][0][0], "get",
                            None),
        "public_lookup": ("/api/cases/lookup", None, "post",
                          {"tracking_no": prep["lookups"][0][0], "mobile_last4": prep["lookups"][0][1]}),
        "three_rates_api": (f"/api/cases/stats/three-rates?organization={org.pk}&start={start}&end={today}",
                            prep["leader_session"], "get", None),
    }
    out["pages"] = {}
    for name, (path, session, method, data) in pages.items():
        response, elapsed, queries = capture(lambda p=path, s=session, m=method, d=data: client_request(p, s, method=m,
                                                                                                          data=d))
        out["pages"][name] = {"path": path, "status": response.status_code, "ms": round(elapsed * 1000, 1),
                              "queries": len(queries), "plans": explain_all(name, queries)}
        print(f"{name}: HTTP {response.status_code}, {len(queries)} queries, {elapsed * 1000:.0f} ms", flush=True)
    return out


# ---------------------------------------------------------------------------------------------
# HTTP load


class Scenario:
    def __init__(self, name: str, make_request, note: str = ""):
        self.name = name
        self.make_request = make_request  # (client index, rnd) -> bytes
        self.note = note


def http_get(path: str, cookies: dict | None = None, headers: dict | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", "Accept: */*"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def http_post_json(path: str, body: dict, cookies: dict | None = None, headers: dict | None = None) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode()
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", "Accept: application/json",
             "Content-Type: application/json", f"Content-Length: {len(data)}"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def read_response(reader) -> tuple[int, bool]:
    """Read one response; return (status, server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip().lower()
    keep = headers.get("connection") != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        keep = False
    return status, keep


async def exchange(port: int, request: bytes, conn):
    """Send one request on ``conn`` (a (reader, writer) pair, or None: open one) and read the
    response; return (status, the connection to reuse or None). Status 0: the connection failed."""
    try:
        if conn is None:
            conn = await asyncio.open_connection(HOST, port)
        conn[1].write(request)
        status, keep = await read_response(conn[0])
    except (OSError, asyncio.IncompleteReadError, ValueError):
        status, keep = 0, False
    if not keep and conn is not None:
        conn[1].close()
        conn = None
    return status, conn


async def drive(scenario: Scenario, port: int, clients: int, warmup: float, duration: float, seed: int) -> dict:
    load_before = os.getloadavg()[0]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    t_start = time.perf_counter()
    t_measure = t_start + warmup
    t_end = t_measure + duration

    async def client(i: int):
        nonlocal errors
        rnd = random.Random(seed * 1000 + i)
        conn = None
        while True:
            now = time.perf_counter()
            if now >= t_end:
                break
            request = scenario.make_request(i, rnd)
            t0 = time.perf_counter()
            status, conn = await exchange(port, request, conn)
            t1 = time.perf_counter()
            # Throughput counts the responses completed inside the measured window; their
            # latency is the whole time from sending to the end of the response.
            if t_measure <= t1 <= t_end:
                latencies.append(t1 - t0)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 0 or status >= 400:
                    errors += 1
        if conn is not None:
            conn[1].close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    latencies.sort()
    n = len(latencies)

    def pct(p):
        return round(latencies[min(n - 1, int(p * n))] * 1000, 1) if n else None

    return {
        "scenario": scenario.name, "note": scenario.note, "clients": clients, "duration_s": duration,
        "requests": n, "rps": round(n / duration, 1), "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1] * 1000, 1) if n else None, "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def build_scenarios(prep: dict) -> list[Scenario]:
    ck = prep["cookie"]
    csrf = prep["csrf_cookie"]
    org, today = prep["org"], prep["today"]
    start = today - timedelta(days=365)
    staff = prep["staff_sessions"]
    residents = prep["resident_sessions"]
    lookups = prep["lookups"]
    services = prep["services"]
    communities = prep["communities"]
    max_id = prep["max_case_id"]
    token = "b3nchCsrfT0kenForLoadTesting0001"  # 32 characters: an unmasked CSRF secret

    def xff(rnd):
        return {"X-Forwarded-For": f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"}

    def submit(i, rnd):
        session, _ = residents[i % len(residents)]
        body = {
            "title": "小区楼道照明损坏需要维修",
            "content": "我家所在单元的楼道灯已经坏了两个星期,老人晚上上下楼很不方便,希望尽快协调维修。",
            "service_id": services[rnd.randrange(len(services))],
            "community_id": communities[rnd.randrange(len(communities))],
            "channel": "web",
        }
        return http_post_json("/api/cases/", body, cookies={ck: session, csrf: token},
                              headers={"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex,
                                       "Referer": f"http://{HOST}/"})

    return [
        Scenario("floor_json", lambda i, rnd: http_get("/bench/floor/json"),
                 "Django floor: bare JsonResponse through the full middleware stack"),
        Scenario("floor_query", lambda i, rnd: http_get(f"/bench/floor/query?id={rnd.randint(1, max_id)}"),
                 "Django floor: one indexed query (case by primary key)"),
        Scenario("staff_queue", lambda i, rnd: http_get("/cases/workbench/?queue=org", cookies={ck: staff[i % len(staff)]}),
                 f"workbench page, queue=org, staff of {org.district.name}{org.name}"),
        Scenario("resident_detail", lambda i, rnd: http_get(f"/cases/{residents[i % len(residents)][1]}/",
                                                            cookies={ck: residents[i % len(residents)][0]}),
                 "a resident's own case page with its timeline"),
        Scenario("public_lookup", lambda i, rnd: http_post_json(
            "/api/cases/lookup", dict(zip(("tracking_no", "mobile_last4"), lookups[rnd.randrange(len(lookups))],
                                          strict=True)), headers=xff(rnd)),
                 "POST /api/cases/lookup, tracking number + last 4 digits, random case"),
        Scenario("submit_case", submit, "POST /api/cases/ as a logged-in resident (session + CSRF)"),
        Scenario("three_rates_api", lambda i, rnd: http_get(
            f"/api/cases/stats/three-rates?organization={org.pk}&start={start}&end={today}",
            cookies={ck: prep["leader_session"]}), f"三率 of {org.district.name}{org.name} over a year, as its leader"),
    ]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """Start gunicorn and wait until it answers the floor view (so it is ours, with our settings)."""
    import http.client

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [gunicorn, "config.wsgi:application", "--workers", str(workers), "--worker-class", "sync",
           "--bind", f"{HOST}:{port}", "--backlog", "2048", "--timeout", "60",
           "--error-logfile", str(OUT / "gunicorn.log"), "--log-level", "warning"]
    help_text = subprocess.run([gunicorn, "--help"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    if "--no-control-socket" in help_text:
        cmd.append("--no-control-socket")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see bench/out/gunicorn.log")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/bench/floor/json")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return proc
            stop_gunicorn(proc)
            raise SystemExit(f"port {port} answers {status} to the floor view: another server? choose --port")
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def machine_info() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(" on ")[0]
        cur.execute("SHOW shared_buffers")
        sb = cur.fetchone()[0]
    import django

    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory": mem, "python": platform.python_version(),
            "django": django.get_version(), "postgresql": pg, "shared_buffers": sb,
            "kernel": platform.release()}


def flush_redis() -> None:
    """Empty the benchmark's own Redis databases (queued e-mail/SMS tasks, throttle counters)."""
    try:
        import redis
    except ImportError:
        return
    for var in ("CELERY_BROKER_URL", "REDIS_URL"):
        url = os.environ.get(var, "")
        if url.startswith("redis://127.0.0.1") and url.rsplit("/", 1)[-1] not in ("0", "1"):
            try:
                redis.Redis.from_url(url).flushdb()
            except redis.RedisError:
                pass


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]["NAME"]
    path = OUT / f"dataset-{db}.json"
    if not path.exists():
        raise SystemExit(f"run bench/generate.py first ({path} is missing)")
    manifest = json.loads(path.read_text())
    rnd = random.Random(7)
    prep = prepare(manifest, args.clients, rnd)
    results: dict = {"machine": machine_info(), "dataset": {k: v for k, v in manifest.items() if k != "password"},
                     "method": {"clients": args.clients, "duration_s": args.duration, "warmup_s": args.warmup,
                                "server": f"gunicorn, {args.workers} sync workers", "settings": "bench.settings"}}
    if not args.skip_direct:
        results["direct"] = direct_timings(prep)
    from django.db import connections

    connections.close_all()

    scenarios = [] if args.no_http else build_scenarios(prep)
    wanted = None if args.scenarios == "all" else set(args.scenarios.split(","))
    port = args.port or free_port()
    proc = start_gunicorn(port, args.workers) if scenarios else None
    results["http"] = []
    try:
        for sc in scenarios:
            if wanted is not None and sc.name not in wanted:
                continue
            res = asyncio.run(drive(sc, port, args.clients, args.warmup, args.duration, seed=len(results["http"])))
            results["http"].append(res)
            print(f"{sc.name:16s} {res['rps']:8.1f} req/s  p50 {res['p50_ms']} ms  p99 {res['p99_ms']} ms  "
                  f"errors {res['errors']} {res['statuses']}", flush=True)
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        flush_redis()
    results["targets"] = evaluate(results)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(results["targets"], ensure_ascii=False, indent=2))
    return 0


def evaluate(results: dict) -> dict:
    http = {r["scenario"]: r for r in results.get("http", [])}
    direct = results.get("direct", {})
    targets = {}
    if "staff_queue" in http and "floor_query" in http:
        q, f = http["staff_queue"], http["floor_query"]
        ratio = q["rps"] / f["rps"] if f["rps"] else 0
        targets["staff_queue"] = {"target": ">= 50% of the one-query floor, p99 < 150 ms",
                                  "ratio_to_floor": round(ratio, 3), "p99_ms": q["p99_ms"],
                                  "met": ratio >= 0.5 and (q["p99_ms"] or 1e9) < 150 and q["errors"] == 0}
    if "submit_case" in http:
        s = http["submit_case"]
        targets["submission"] = {"target": ">= 300 submissions/s", "rps": s["rps"],
                                 "met": s["rps"] >= 300 and s["errors"] == 0}
    if "three_rates_year" in direct:
        ms = direct["three_rates_year"]["median_ms"]
        targets["three_rates_year"] = {"target": "< 200 ms", "median_ms": ms, "met": ms < 200}
    if "escalation_sweep" in direct:
        ms = min(r["first_run_ms"] for r in direct["escalation_sweep"]["runs"])
        targets["escalation_sweep"] = {"target": "< 3 s over 1,000,000 open cases",
                                       "open_cases": direct["escalation_sweep"]["open_cases"],
                                       "first_run_ms": ms, "met": ms < 3000}
    return targets


if __name__ == "__main__":
    sys.exit(main())
