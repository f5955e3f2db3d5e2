"""Targeted notices at scale: audience count for a three-criteria group, and the whole fan-out of
in-app notices with two Celery workers.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_programs_bench \\
        uv run python bench/programs_bench.py [--consenting 1000000] [--workers 2] [--no-fanout]

The database is dropped and created (it must be one of its own, never a shared one), migrated,
and filled with SQL: one city, ten districts of ten communities, ``--residents`` residents with a
profile each (birth date, gender, employment status, community; 90 % consent to employment
notices; hardship on 3 %, stored as its keyed hash). All residents live in one district for the
fan-out so that a single notice reaches every consenting resident: ``--consenting`` (default
1,000,000) of about ``--consenting / 0.9`` residents.

Then:
* audience count: age 18–45, unemployed or student, in three of the ten communities' streets —
  median of five runs of ``audience_summary`` (total and per-community counts);
* fan-out: one notice to every consenting resident aged 0+ (everyone with a birth date), in-app
  only, published through the service; ``--workers`` Celery worker processes (solo pool) on a
  queue of their own consume the shard chains; the time from publication to the notice being
  done, and a check that every targeted resident has exactly one delivery.

Results are printed and written to bench/out/programs.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--consenting", type=int, default=1_000_000,
                   help="residents who consent to employment notices (the fan-out's audience); nine in ten "
                        "residents consent, so about consenting / 0.9 residents are generated")
    p.add_argument("--residents", type=int, default=None, help="generate exactly this many residents instead")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--no-fanout", action="store_true")
    p.add_argument("--broker", default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13"))
    return p.parse_args(argv)


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.endswith("programs_bench"):
        raise SystemExit(f"refusing to drop database {name!r}; use one of its own, e.g. quntuan_programs_bench")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def populate(residents: int) -> dict:
    from django.db import connection

    from quntuan.core.testing import make_community, make_district, make_org, make_staff
    from quntuan.programs.crypto import keyed_hash

    district = make_district("基准区")
    communities = [make_community(district, f"基准社区{i}") for i in range(10)]
    union = make_org(district, "union")
    staff = make_staff(union)
    hardship = keyed_hash("hardship", "subsistence")
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute(
            """
            INSERT INTO accounts_user (password, username, mobile, name, email, role, region_id, community_id,
                                       is_active, is_staff, is_superuser, date_joined)
            SELECT '!', NULL, (13000000000 + g)::text, '居民' || g, '', 'resident', %s,
                   (%s::bigint[])[1 + g %% 10], true, false, false, now()
            FROM generate_series(1, %s) AS g
            """, [district.pk, [c.pk for c in communities], residents])
        cur.execute(
            """
            INSERT INTO programs_residentprofile (user_id, district_id, community_id, birth_date, gender,
                employment_status, worker_type, union_member, league_member, overseas,
                disability_cipher, disability_type_hmac, disability_grade_hmac, hardship_cipher, hardship_hmac,
                consent_employment, consent_entrepreneurship, consent_volunteering, consent_assistance,
                consent_culture, consent_policy, consent_disability, consent_hardship, updated_at)
            SELECT u.id, u.region_id, u.community_id, date '1950-01-01' + (u.id * 7919 %% 20000)::int,
                   (ARRAY['male','female'])[1 + u.id %% 2],
                   (ARRAY['employed','unemployed','student','retired'])[1 + (u.id / 3) %% 4],
                   '', NULL, NULL, '', '', '', '', '',
                   CASE WHEN u.id %% 33 = 0 THEN %s ELSE '' END,
                   u.id %% 10 <> 0, false, false, false, false, false, false, u.id %% 33 = 0, now()
            FROM accounts_user u WHERE u.role = 'resident' AND u.region_id = %s
            """, [hardship, district.pk])
        cur.execute("ANALYZE accounts_user")
        cur.execute("ANALYZE programs_residentprofile")
    return {"district": district, "communities": communities, "union": union, "staff": staff,
            "load_seconds": round(time.monotonic() - started, 1)}


def time_count(world: dict) -> dict:
    from quntuan.programs import services

    streets = [c.parent_id for c in world["communities"][:3]]
    criteria = {"all": [{"attr": "age", "op": "between", "value": [18, 45]},
                        {"attr": "employment_status", "op": "in", "value": ["unemployed", "student"]},
                        {"attr": "street", "op": "in", "value": streets}]}
    runs, summary = [], None
    for _ in range(5):
        started = time.perf_counter()
        summary = services.audience_summary(district_id=world["district"].pk, criteria=criteria,
                                            purpose="employment")
        runs.append(time.perf_counter() - started)
    return {"criteria": criteria, "total": summary["total"], "median_seconds": round(statistics.median(runs), 3),
            "runs": [round(r, 3) for r in runs]}


def run_fanout(world: dict, args) -> dict:
    from celery import Celery
    from django.db import connection
    from django.db.models import Count

    from quntuan.programs import services
    from quntuan.programs.models import Notice, NoticeDelivery

    notice = services.notice_create(actor=world["staff"], organization=world["union"], title="基准测试推送",
                                    body="基准测试", purpose="employment",
                                    criteria={"attr": "age", "op": "gte", "value": 0})
    with mock.patch("quntuan.programs.tasks.notice_fanout.delay"):
        services.notice_publish(actor=world["staff"], notice=notice)
    Notice.objects.filter(pk=notice.pk).update(not_before=None)
    notice.refresh_from_db()
    queue = f"programs-bench-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "DJANGO_SETTINGS_MODULE": "config.settings.local", "CELERY_TASK_ALWAYS_EAGER": "false",
           "QUNTUAN_INPROCESS_SCHEDULER": "false", "DJANGO_DEBUG": "false", "CELERY_BROKER_URL": args.broker}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in range(args.workers):
        log = (out / f"programs-worker-{i}.log").open("w")
        procs.append((subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-n",
             f"bench{i}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    client = Celery("programs-bench", broker=args.broker)
    started = time.monotonic()
    client.send_task("quntuan.programs.tasks.notice_fanout", args=[notice.pk, args.batch], queue=queue)
    try:
        while not Notice.objects.filter(pk=notice.pk, status=Notice.Status.DONE).exists():
            time.sleep(2)
        elapsed = time.monotonic() - started
    finally:
        for proc, log in procs:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
        with client.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
    deliveries = NoticeDelivery.objects.filter(notice=notice)
    total = deliveries.count()
    duplicates = deliveries.values("resident_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {"audience": notice.audience_size, "deliveries": total, "duplicates": duplicates,
            "shards": notice.shards.count(), "workers": args.workers, "batch": args.batch,
            "seconds": round(elapsed, 1), "per_second": round(total / elapsed) if elapsed else None}


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/quntuan_programs_bench")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["QUNTUAN_INPROCESS_SCHEDULER"] = "false"
    os.environ["DJANGO_DEBUG"] = "false"
    recreate_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    residents = args.residents or -(-args.consenting * 10 // 9) + 10
    world = populate(residents)
    from quntuan.programs.models import ResidentProfile

    consenting = ResidentProfile.objects.filter(consent_employment=True).count()
    print(f"{residents} residents, {consenting} consenting to employment notices", flush=True)
    results = {"residents": residents, "consenting": consenting, "load_seconds": world["load_seconds"], "count": time_count(world)}
    print(json.dumps(results, ensure_ascii=False, indent=2), flush=True)
    if not args.no_fanout:
        results["fanout"] = run_fanout(world, args)
    out = ROOT / "bench" / "out" / "programs.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
