"""Check that the assessment rollups give exactly what the source rows give, on a generated
database: random date ranges, districts, streets and organizations, every rollup reader called
twice (rollups on, and QUNTUAN_ROLLUPS=False, which reads the source rows). Prints the
mismatches (none expected).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<database> uv run python bench/rollups_check.py
"""

import os
import random
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from datetime import date, timedelta  # noqa: E402

from django.test.utils import override_settings  # noqa: E402

from quntuan.assessment import rollups  # noqa: E402
from quntuan.organizations.models import Organization, Region  # noqa: E402


def readers(s: date, e: date, d: int, st: int | None, orgs: list[int]) -> list:
    """Every rollup reader for one range, district and street (or the whole district)."""
    return [
        lambda: rollups.case_received(start=s, end=e, group=("status", "month"), district_id=d, street_id=st),
        lambda: rollups.case_received(start=s, end=e, group=("first_inquirer_org_id",), org="first_inquirer",
                                      org_ids=orgs[:20]),
        lambda: rollups.case_closed(start=s, end=e, group=("handling_org_id",), district_id=d),
        lambda: rollups.ratings(start=s, end=e, group=("month", "organization_id"), district_id=d, street_id=st),
        lambda: rollups.residents(start=s, end=e, district_id=d, street_id=st),
        lambda: {(): rollups.residents_before(day=s, district_id=d)},
        lambda: rollups.overdue(today=e, district_id=d, street_id=st),
        lambda: rollups.activities(start=s, end=e, group=("month", "host_id"), district_id=d, street_id=st),
        lambda: rollups.activities(start=s, end=e, group=("street_id",), host_ids=orgs[:30]),
        lambda: rollups.volunteer_minutes(start=s, end=e, group=("month", "host_id"), district_id=d, street_id=st),
        lambda: rollups.volunteer_minutes(start=s, end=e, group=("host_id",), host_ids=orgs[:30]),
    ]


def main(rounds: int = 40) -> int:
    rnd = random.Random(1)
    districts = list(Region.objects.filter(level="district").values_list("pk", flat=True))
    orgs = list(Organization.objects.values_list("pk", flat=True))
    streets = list(Region.objects.filter(level="street").values_list("pk", "district_id"))
    checked = bad = 0
    for i in range(rounds):
        s = date(2024, 1, 1) + timedelta(days=rnd.randrange(1000))
        e = s + timedelta(days=rnd.randrange(400))
        d = rnd.choice(districts)
        st = rnd.choice([None, rnd.choice([x for x, dd in streets if dd == d])])
        for k, read in enumerate(readers(s, e, d, st, orgs)):
            got = read()
            with override_settings(QUNTUAN_ROLLUPS=False):
                live = read()
            checked += 1
            if got != live:
                bad += 1
                print("MISMATCH", i, k, s, e, d, st, list(got.items())[:3], list(live.items())[:3])
    print(f"{checked} figure sets compared, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
