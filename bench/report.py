"""Print a results file of bench/load.py as Markdown tables (for docs/benchmarks.md).

    uv run python bench/report.py [bench/out/results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0] if argv else Path(__file__).resolve().parent / "out" / "results.json")
    r = json.loads(path.read_text())
    http = r.get("http", [])
    floor = {h["scenario"]: h for h in http if h["scenario"].startswith("floor")}
    fq = floor.get("floor_query", {}).get("rps") or 0
    print("| scenario | req/s | vs one-query floor | p50 ms | p99 ms | errors | load avg (1 min) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for h in http:
        ratio = f"{h['rps'] / fq:.0%}" if fq else ""
        load = "→".join(str(x) for x in h.get("loadavg_1m", []))
        print(f"| {h['scenario']} | {h['rps']} | {ratio} | {h['p50_ms']} | {h['p99_ms']} | {h['errors']} | {load} |")
    d = r.get("direct", {})
    if d:
        print()
        print("| direct (no HTTP) | result |")
        print("|---|---|")
        tr = d.get("three_rates_year")
        if tr:
            print(f"| org_three_rates, one year, {tr['organization']} | median {tr['median_ms']} ms "
                  f"(runs {tr['runs_ms']}), {tr['queries']} queries |")
        sw = d.get("escalation_sweep")
        if sw:
            for i, run in enumerate(sw["runs"]):
                res = run["result"]
                print(f"| escalation_sweep run {i + 1}, {sw['open_cases']:,} open cases | first run "
                      f"{run['first_run_ms']} ms (reminded {res['reminded']}, yellow {res['yellow']}, red {res['red']}, "
                      f"follow-ups {res['followups']}); repeat {run['repeat_run_ms']} ms |")
        for name, page in d.get("pages", {}).items():
            slow = max((p["execution_ms"] or 0 for p in page["plans"]), default=0)
            print(f"| {name} (one request, test client) | HTTP {page['status']}, {page['queries']} queries, "
                  f"{page['ms']} ms; slowest query {slow} ms |")
    t = r.get("targets", {})
    if t:
        print()
        print("| target | measured | met |")
        print("|---|---|---|")
        for name, v in t.items():
            measured = {k: x for k, x in v.items() if k not in ("target", "met")}
            print(f"| {name}: {v['target']} | {measured} | {'yes' if v['met'] else 'no'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
