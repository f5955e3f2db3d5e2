"""Dashboards, the yearly assessment and the work report at city size (issue 5).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        nice -n 10 uv run python bench/assessment_bench.py [--runs 9] [--year 2026] [--no-pdf]

Run on the database of bench/generate.py + bench/activities_generate.py +
bench/assessment_generate.py. In one process, with ``bench.settings`` (DEBUG off, persistent
connection) and Django's test client logged in as the largest district's supervisor:

* the dashboard page (HTML) and every chart endpoint it loads (``/api/assessment/charts/<name>``)
  for the whole district (this year so far, the page's default range), then for its largest
  organization, then for one street;
* the yearly assessment of every organization of the city (``assessment_results`` for each of the
  ten districts) and the results page of the largest district;
* the yearly district work report: computing its figures (``draft_generate``), the Word file
  (``build_docx``) and, separately, the PDF (``build_pdf``: LibreOffice).

Each measurement is repeated ``--runs`` times after one warm-up call (reported as ``cold``);
median and p95 (nearest rank) in milliseconds, the number of SQL queries of one call, and the
1-minute load average before and after. Results go to bench/out/assessment.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
OUT = ROOT / "bench" / "out"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--year", type=int, default=None, help="assessment and report year (default: this year)")
    p.add_argument("--no-pdf", action="store_true")
    p.add_argument("--only", default="", help="comma-separated groups: dashboard,assessment,report")
    p.add_argument("--out", default=str(OUT / "assessment.json"))
    return p.parse_args(argv)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered) + 0.5)) - 1)]


def measure(label: str, fn, runs: int, results: list[dict], check=None) -> dict:
    from django.db import connection, reset_queries

    t = time.perf_counter()
    first = fn()
    cold = (time.perf_counter() - t) * 1000
    if check is not None:
        check(first)
    reset_queries()
    connection.force_debug_cursor = True
    try:
        fn()
        queries = len(connection.queries)
    finally:
        connection.force_debug_cursor = False
        reset_queries()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    rec = {"name": label, "cold_ms": round(cold, 1), "median_ms": round(statistics.median(times), 1),
           "p95_ms": round(p95(times), 1), "min_ms": round(min(times), 1), "runs": runs, "queries": queries,
           "load_1m": round(os.getloadavg()[0], 2)}
    results.append(rec)
    print(f"{label:58s} cold {rec['cold_ms']:8.1f}  median {rec['median_ms']:8.1f}  p95 {rec['p95_ms']:8.1f} ms"
          f"  {queries:3d} q  load {rec['load_1m']}", flush=True)
    return rec


def main(argv=None) -> int:  # noqa: C901 - one straight script
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from quntuan.accounts.models import Role, User
    from quntuan.assessment import queries
    from quntuan.cases.models import Case
    from quntuan.organizations.models import Organization, Region
    from quntuan.reports.docx import build_docx
    from quntuan.reports.figures import Period
    from quntuan.reports.models import ReportDraft
    from quntuan.reports.services import draft_generate

    settings.ALLOWED_HOSTS = ["*"]
    groups = set(filter(None, args.only.split(","))) or {"dashboard", "assessment", "report"}
    today = timezone.localdate()
    year = args.year or today.year
    results: list[dict] = []
    load_before = os.getloadavg()

    big = (Case.objects.values("district_id").annotate(n=Count("id")).order_by("-n").first())
    district = Region.objects.get(pk=big["district_id"])
    big_org = (Case.objects.filter(district=district).values("handling_org_id").annotate(n=Count("id"))
               .order_by("-n").first())
    org = Organization.objects.get(pk=big_org["handling_org_id"])
    street = Region.objects.filter(district=district, level=Region.Level.STREET).order_by("code").first()
    supervisor = User.objects.filter(role=Role.SUPERVISOR, region=district, is_active=True).order_by("id").first()
    print(f"district {district.name} ({big['n']} cases), organization {org.name} ({big_org['n']}), "
          f"street {street.name}, as {supervisor.username}; year {year}; load {load_before}", flush=True)
    client = Client()
    client.force_login(supervisor)

    def get(url):
        def run():
            r = client.get(url)
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code} {r.content[:300]!r}")
            return r
        return run

    charts = ["residents", "cases_by_state", "three_rates", "cases_by_org", "overdue", "activities",
              "volunteer_hours", "supervision", "plan_outcomes", "ranking"]
    from quntuan.assessment import charts as charts_mod

    charts = [c for c in charts if c in charts_mod.CHARTS or c == "ranking"]
    if "dashboard" in groups:
        for label, qs in (("district", f"district={district.pk}"), ("organization", f"district={district.pk}&org={org.pk}"),
                          ("street", f"district={district.pk}&street={street.pk}")):
            page = measure(f"dashboard page ({label})", get(f"/assessment/?{qs}"), args.runs, results)
            page["group"] = f"dashboard-{label}"
            total_median = page["median_ms"]
            for name in charts:
                if label == "organization" and name == "residents":
                    continue
                rec = measure(f"  chart {name} ({label})", get(f"/api/assessment/charts/{name}?{qs}"), args.runs, results)
                rec["group"] = f"dashboard-{label}"
                total_median += rec["median_ms"]
            results.append({"name": f"dashboard ({label}): page + every chart, sum of medians",
                            "median_ms": round(total_median, 1), "group": f"dashboard-{label}"})
            print(f"dashboard ({label}) page + charts, sum of medians: {total_median:.1f} ms", flush=True)

    if "assessment" in groups:
        districts = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))

        def all_orgs():
            n = 0
            for d in districts:
                n += len(queries.assessment_results(d, year))
            return n

        rec = measure(f"assessment {year}: all organizations of the city ({len(districts)} districts)", all_orgs,
                      max(3, args.runs // 2), results)
        rec["group"] = "assessment"
        rec["organizations"] = all_orgs()
        rec = measure(f"assessment {year}: one district (largest)", lambda: queries.assessment_results(district, year),
                      args.runs, results)
        rec["group"] = "assessment"
        rec = measure(f"assessment results page {year} (largest district)",
                      get(f"/assessment/results/{year}/?district={district.pk}"), args.runs, results)
        rec["group"] = "assessment"

    if "report" in groups:
        period = Period(kind="year", year=year)
        draft = ReportDraft.objects.create(district=district, organization=None, period_kind=period.kind, year=year,
                                           number=1, title=f"{district.name}{period.label}基准测试汇报",
                                           created_by=supervisor, updated_by=supervisor,
                                           narrative={})
        try:
            rec = measure(f"report {year} district: figures (draft_generate)",
                          lambda: draft_generate(draft_id=draft.pk), max(3, args.runs // 2), results)
            rec["group"] = "report"
            draft.refresh_from_db()
            rec = measure("report: Word file (build_docx)", lambda: build_docx(draft), args.runs, results)
            rec["group"] = "report"
            rec = measure("report: figures + Word, end to end",
                          lambda: build_docx(draft_generate(draft_id=draft.pk)), max(3, args.runs // 2), results)
            rec["group"] = "report"
            if not args.no_pdf:
                from quntuan.reports.pdf import build_pdf

                rec = measure("report: PDF (build_pdf, LibreOffice)", lambda: build_pdf(draft), 3, results)
                rec["group"] = "report"
            org_draft = ReportDraft.objects.create(district=district, organization=org, period_kind="year",
                                                   year=year, number=1, title="基准测试", created_by=supervisor,
                                                   updated_by=supervisor, narrative={})
            try:
                rec = measure(f"report {year}, largest organization: figures",
                              lambda: draft_generate(draft_id=org_draft.pk), max(3, args.runs // 2), results)
                rec["group"] = "report"
            finally:
                org_draft.delete()
        finally:
            draft.delete()

    out = {"at": timezone.now().isoformat(), "database": settings.DATABASES["default"]["NAME"],
           "district": district.name, "organization": org.name, "year": year,
           "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
           "results": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    print(f"load average before {out['load_before']}, after {out['load_after']}; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
