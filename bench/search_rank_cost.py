"""What the ranking costs in the search statement: the mix of ``bench/search_bench.py`` run in one
process, each request twice, once as is and once with ``ts_rank_cd`` over a constant instead of
each candidate's ``tsvector`` (the same plan otherwise), alternating the order; the statement's
time printed for both.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        uv run python bench/search_rank_cost.py [N]

N requests (default 400) after one warm-up pass over them (the learnt windows and probes).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

_RANKED = re.compile(r"ts_rank_cd\((?:d|c)\.content_tsv,")


def main(n: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from bench.search_bench import make_plan, sample_people
    from quntuan.accounts.models import User
    from quntuan.search.queries import search

    plan = make_plan(sample_people(7), 11, n)
    users: dict = {}

    def user(uid):
        if uid is None:
            return AnonymousUser()
        if uid not in users:
            users[uid] = User.objects.get(pk=uid)
        return users[uid]

    unranked = [False]
    times: dict[bool, list[float]] = {False: [], True: []}

    def timed(execute, sql, params, many, context):
        if "search_document" not in sql or "ts_rank_cd" not in sql:
            return execute(sql, params, many, context)
        if unranked[0]:
            sql = _RANKED.sub("ts_rank_cd('a'::tsvector,", sql)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times[unranked[0]].append(time.perf_counter() - start)

    for _kind, uid, query in plan:
        search(user=user(uid), query=query)
    with connection.execute_wrapper(timed):
        for turn in range(2):
            for _kind, uid, query in plan:
                for flag in (False, True) if turn == 0 else (True, False):
                    unranked[0] = flag
                    search(user=user(uid), query=query)
    for flag, values in times.items():
        values.sort()
        print(f"{'without ranking' if flag else 'ranked'}: {len(values)} statements, "
              f"mean {1000 * statistics.mean(values):.2f} ms, median {1000 * statistics.median(values):.2f} ms, "
              f"p90 {1000 * values[int(0.9 * len(values))]:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
