"""Rebuild the search index from the source rows: ``manage.py search_reindex [--kind case ...]``.

* default: upsert every document chunk by chunk and remove those whose row is gone (the index
  stays searchable throughout);
* ``--refresh``: only the rows changed since the newest indexed change (what the periodic job does);
* ``--fresh``: the initial bulk build (or an offline full rebuild): the kinds' documents are
  deleted, the GIN indexes dropped, the rows written with ``COPY`` (cases by ``--workers``
  processes over id ranges) and the indexes built once at the end. Searches find nothing of
  those kinds until it is done.
"""

import multiprocessing as mp
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from quntuan.search import services
from quntuan.search.models import DocumentKind, SearchDocument


def _load_range(kind: str, chunk: int, first_id: int, last_id: int) -> int:
    connections.close_all()  # a forked child opens its own connection
    try:
        return services.index_load(kind=kind, chunk=chunk, first_id=first_id, last_id=last_id)
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "重建全文搜索索引(服务事项、活动、计划、诉求)。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=DocumentKind.values,
                            help="只重建这一类(可重复);默认全部")
        parser.add_argument("--refresh", action="store_true", help="只索引上次以来有变化的记录")
        parser.add_argument("--fresh", action="store_true",
                            help="首次批量建立(或离线全量重建):先清空这些类的文档并删除全文索引,用 COPY 写入,最后建索引")
        parser.add_argument("--workers", type=int, default=1, help="--fresh 时写入诉求的进程数")
        parser.add_argument("--chunk", type=int, default=2000, help="每个事务处理的记录数")
        parser.add_argument("--no-prune", action="store_true", help="不删除源记录已不存在的文档")
        parser.add_argument("--defer-index", action="store_true",
                            help="PostgreSQL:重建期间先删除全文 GIN 索引,完成后一次建好(大批量时快得多,期间搜索变慢)")

    def handle(self, *args, kind=None, refresh=False, fresh=False, workers=1, chunk=2000, no_prune=False,
               defer_index=False, **options):
        if fresh and refresh:
            raise CommandError("--fresh 与 --refresh 不能同时使用。")
        if workers < 1 or chunk < 1:
            raise CommandError("--workers 和 --chunk 须为正整数。")
        started = time.monotonic()
        last = {"t": started}

        def progress(k, n):
            now = time.monotonic()
            if now - last["t"] >= 10:
                last["t"] = now
                self.stdout.write(f"  {k}: {n} ({now - started:.0f} s)")

        if fresh:
            counts = self._fresh(kind or DocumentKind.values, chunk, workers, progress)
        else:
            deferred = defer_index and not refresh and services.gin_index_drop()
            if refresh:
                counts = services.index_refresh(kinds=kind, chunk=chunk)
            else:
                counts = services.index_rebuild(kinds=kind, prune=not no_prune, chunk=chunk, progress=progress)
            if deferred:
                self.stdout.write("正在建立全文索引……")
                services.gin_index_create()
        for k, n in counts.items():
            self.stdout.write(f"{DocumentKind(k).label}({k}):{n}")
        self.stdout.write(self.style.SUCCESS(f"完成,用时 {time.monotonic() - started:.1f} 秒。"))

    def _fresh(self, kinds, chunk, workers, progress) -> dict[str, int]:
        from django.db.models import Max, Min

        from quntuan.cases.models import Case

        started = time.monotonic()
        if connection.vendor == "postgresql" and set(kinds) == set(DocumentKind.values):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE search_document")
        else:
            SearchDocument.objects.filter(kind__in=kinds).delete()
        services.gin_index_drop()
        counts = {}
        for kind in kinds:
            if kind == DocumentKind.CASE and workers > 1 and connection.vendor == "postgresql":
                bounds = Case.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
                lo, hi = (bounds["lo"] or 1) - 1, bounds["hi"] or 0
                step = max(1, -(-(hi - lo) // workers))
                ranges = [(lo + i * step, min(hi, lo + (i + 1) * step)) for i in range(workers)]
                from quntuan.search.text import index_tokens

                index_tokens("预热")  # the dictionary is loaded once, before the fork
                connections.close_all()
                with mp.get_context("fork").Pool(workers) as pool:
                    counts[kind] = sum(pool.starmap(_load_range, [(kind, chunk, a, b) for a, b in ranges]))
            else:
                counts[kind] = services.index_load(kind=kind, chunk=chunk, progress=progress)
            self.stdout.write(f"  {kind}: {counts[kind]} ({time.monotonic() - started:.0f} s)")
        if connection.vendor == "postgresql":
            self.stdout.write("正在建立全文索引……")
            t0 = time.monotonic()
            services.gin_index_create()
            self.stdout.write(f"  全文索引用时 {time.monotonic() - t0:.0f} 秒")
        return counts
