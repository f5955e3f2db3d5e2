"""What the proposed indexes would change, measured on the generated data without keeping them.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench uv run python bench/whatif.py

In one transaction that is rolled back at the end: create the given indexes (--index, repeatable)
and, with --jit-off, turn JIT compilation off for the transaction; ANALYZE; then
time ``org_three_rates`` for a year, ``escalation_sweep`` and the staff queue page's queries,
saving their plans to bench/out/plans/whatif-*.txt. The database is left as it was.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# Example: the index the work queues need, as first measured here (quntuan/cases now has it).
EXAMPLE = ("CREATE INDEX whatif_open_org_due ON cases_case (handling_org_id, due_date, first_contact_due_at, id) "
           "WHERE status IN ('pending','transferring','in_progress','awaiting_material')")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--jit-off", action="store_true", help="SET LOCAL jit = off")
    p.add_argument("--index", action="append", default=[], metavar="SQL",
                   help=f"a CREATE INDEX statement to try (repeatable), e.g. {EXAMPLE!r}")
    args = p.parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from bench.load import OUT, capture, client_request, explain_all, prepare
    from quntuan.cases.queries import org_three_rates
    from quntuan.cases.services import escalation_sweep

    db = settings.DATABASES["default"]["NAME"]
    manifest = json.loads((OUT / f"dataset-{db}.json").read_text())
    tag = "whatif" + ("-jitoff" if args.jit_off else "") + (f"-{len(args.index)}idx" if args.index else "")
    result: dict = {"indexes": args.index, "jit_off": args.jit_off}
    with transaction.atomic():
        prep = prepare(manifest, 2, random.Random(7))
        with connection.cursor() as cur:
            if args.jit_off:
                cur.execute("SET LOCAL jit = off")
            if args.index:
                for stmt in args.index:
                    t = time.perf_counter()
                    cur.execute(stmt)
                    print(f"{time.perf_counter() - t:6.1f}s {stmt[:100]}", flush=True)
                cur.execute("ANALYZE cases_case")
                cur.execute("ANALYZE cases_rating")
        org, today = prep["org"], prep["today"]
        start = today - timedelta(days=365)
        runs = []
        for _ in range(5):
            _r, elapsed, queries = capture(lambda: org_three_rates(organization=org, start=start, end=today))
            runs.append(round(elapsed * 1000, 1))
        result["three_rates_year_ms"] = {"runs": runs, "median": statistics.median(runs)}
        explain_all(f"{tag}-three_rates", queries)
        print("three rates", runs, flush=True)
        sweeps = []
        for _ in range(2):
            sid = transaction.savepoint()
            res, elapsed, queries = capture(lambda: escalation_sweep(today=today))
            again, elapsed2, _q = capture(lambda: escalation_sweep(today=today))
            if not sweeps:
                explain_all(f"{tag}-escalation_sweep", queries)
                result["sweep_queries"] = [q[:160] for q in queries]
            transaction.savepoint_rollback(sid)
            sweeps.append({"first_run_ms": round(elapsed * 1000, 1), "repeat_run_ms": round(elapsed2 * 1000, 1),
                           "result": res})
            print("sweep", sweeps[-1], flush=True)
        result["sweep"] = sweeps
        page = []
        for _ in range(5):
            response, elapsed, queries = capture(
                lambda: client_request("/cases/workbench/?queue=org", prep["staff_sessions"][0]))
            page.append(round(elapsed * 1000, 1))
        result["staff_queue_page_ms"] = {"runs": page, "median": statistics.median(page),
                                         "status": response.status_code}
        explain_all(f"{tag}-staff_queue", queries)
        print("staff queue page", page, flush=True)
        transaction.set_rollback(True)
    (OUT / f"{tag}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
