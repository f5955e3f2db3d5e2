"""Search at city size over HTTP: 32 clients against ``GET /api/search/`` served by gunicorn as in
production (sync workers), with the users and queries of ``bench/search_bench.py``.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_perf_bench \\
        uv run python bench/search_http.py [--clients 32] [--workers 4] [--seconds 60]

``bench/search_bench.py`` calls the query function from 32 threads, each with its own database
connection, so 32 searches run at once. A deployment does not: the README's production command
runs gunicorn with a few sync workers, each serving one request at a time, and the other clients
wait in the listening socket's queue (first come, first served). This script measures what a
client of that deployment sees: the time from sending the request to the end of the JSON
response, the wait in the queue included, through the whole middleware stack (session, user,
language, CSRF, OTP, idle timeout) and the API's rendering of the JSON body. It also reads from
``/proc`` the CPU that the gunicorn processes, PostgreSQL and the load generator used per request
in the measured window (``cpu_ms_per_request``).

Like the start script, it first stores a routing model if none is active (``routing_train
--if-missing``): otherwise each gunicorn worker fits one at start-up, in a thread, during the run.
The load generator logs each sampled user in by writing a session into the session store, as a
login would (``bench/load.py``); visitors send no cookie. Each client is one asyncio connection
loop in this process, closed loop, no pause between requests; ``--warmup`` seconds first, then
``--seconds`` measured. Settings ``bench.settings`` (production settings, DEBUG off, persistent
connections, no TOTP step for the prepared staff sessions). The 1-minute load average is sampled
every 5 s. Results: bench/out/search_http.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench import load  # noqa: E402
from bench.search_bench import WEIGHTS, make_plan, sample_people, summary  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (the README's production command: 4)")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--warmup", type=float, default=15)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--port", type=int, default=0, help="0: any free port")
    p.add_argument("--out", default=str(ROOT / "bench" / "out" / "search_http.json"))
    return p.parse_args(argv)


def sessions_for(people: dict) -> dict[int, str]:
    """A session key for every sampled user (staff and supervisors as staff, with the idle clock)."""
    from quntuan.accounts.models import User

    ids = {pk for kind in ("staff", "supervisor", "resident") for pk in people[kind]}
    return {u.pk: load.make_session(u, u.is_staff_member) for u in User.objects.filter(pk__in=ids)}


async def drive(port: int, server_pid: int, plans: list[list[tuple]], sessions: dict, cookie: str, warmup: float,
                seconds: float) -> tuple[list[tuple], list[float], dict]:
    samples: list[tuple] = []  # (user kind, latency ms, status, query)
    loads: list[float] = []
    cpu: dict[str, dict] = {}
    t_measure = time.perf_counter() + warmup
    t_end = t_measure + seconds

    async def client(i: int):
        plan = plans[i]
        conn = None
        n = 0
        while True:
            kind, user_id, query = plan[n % len(plan)]
            n += 1
            cookies = {cookie: sessions[user_id]} if user_id is not None else None
            request = load.http_get("/api/search/?" + urlencode({"q": query}), cookies=cookies,
                                    headers={"X-Forwarded-For": f"10.1.{i // 250}.{i % 250 + 1}"})
            t0 = time.perf_counter()
            if t0 >= t_end:
                break
            status, conn = await load.exchange(port, request, conn)
            t1 = time.perf_counter()
            if t_measure <= t1 <= t_end:
                samples.append((kind, (t1 - t0) * 1000, status, query))
        if conn is not None:
            conn[1].close()

    async def sample_load():
        await asyncio.sleep(max(0.0, t_measure - time.perf_counter()))
        cpu["start"] = cpu_seconds(server_pid)
        while time.perf_counter() < t_end - 5:
            await asyncio.sleep(5)
            loads.append(round(os.getloadavg()[0], 2))
        await asyncio.sleep(max(0.0, t_end - time.perf_counter()))
        cpu["end"] = cpu_seconds(server_pid)

    await asyncio.gather(sample_load(), *(client(i) for i in range(len(plans))))
    return samples, loads, cpu


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the gunicorn processes, by PostgreSQL's
    processes (all of them: backends, checkpointer, autovacuum) and by this load generator."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"server": 0.0, "postgresql": 0.0, "load_generator": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) == os.getpid():
            out["load_generator"] += used
        elif int(fields[2]) == server_pid or int(entry.name) == server_pid:  # the master's process group
            out["server"] += used
        elif name == "postgres":
            out["postgresql"] += used
    return out


def main(argv=None):
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    # As the start script does: without a stored routing model every worker would fit one in a
    # thread on its first request (routing warm-up) and spend the first minute of the run on it.
    call_command("routing_train", "--if-missing")
    people = sample_people(args.seed)
    sessions = sessions_for(people)
    plans = [make_plan(people, args.seed * 1000 + i, 20_000) for i in range(args.clients)]
    connections.close_all()
    load.flush_redis()

    port = args.port or load.free_port()
    server = load.start_gunicorn(port, args.workers)
    load_before = os.getloadavg()
    try:
        samples, loads, cpu = asyncio.run(drive(port, server.pid, plans, sessions, settings.SESSION_COOKIE_NAME, args.warmup,
                                           args.seconds))
    finally:
        load.stop_gunicorn(server)
    load_after = os.getloadavg()

    ok = [s for s in samples if s[2] == 200]
    statuses: dict[str, int] = {}
    for s in samples:
        statuses[str(s[2])] = statuses.get(str(s[2]), 0) + 1
    report = {
        "clients": args.clients, "server": f"gunicorn, {args.workers} sync workers, bench.settings",
        "seconds": args.seconds, "warmup": args.warmup,
        "load_before": load_before, "load_after": load_after, "load_1min_every_5s": loads,
        "overall": summary([s[1] for s in samples], args.seconds),
        "by_user": {k: summary([s[1] for s in samples if s[0] == k], args.seconds) for k in WEIGHTS},
        "statuses": statuses,
        "cpu_ms_per_request": {k: round((cpu["end"][k] - cpu["start"][k]) * 1000 / max(1, len(samples)), 2)
                               for k in cpu["start"]},
        "errors": len(samples) - len(ok),
        "slowest": sorted(((round(s[1], 1), s[0], s[3]) for s in samples), reverse=True)[:15],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
