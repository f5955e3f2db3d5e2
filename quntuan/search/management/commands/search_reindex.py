"""Rebuild the search index from the source rows: ``manage.py search_reindex [--kind case ...]``.
``--refresh`` only indexes rows changed since the newest indexed change (what the periodic job
does)."""

import time

from django.core.management.base import BaseCommand

from quntuan.search import services
from quntuan.search.models import DocumentKind


class Command(BaseCommand):
    help = "重建全文搜索索引(服务事项、活动、计划、诉求)。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=DocumentKind.values,
                            help="只重建这一类(可重复);默认全部")
        parser.add_argument("--refresh", action="store_true", help="只索引上次以来有变化的记录")
        parser.add_argument("--chunk", type=int, default=2000, help="每个事务处理的记录数")
        parser.add_argument("--no-prune", action="store_true", help="不删除源记录已不存在的文档")
        parser.add_argument("--defer-index", action="store_true",
                            help="PostgreSQL:重建期间先删除全文 GIN 索引,完成后一次建好(大批量时快得多,期间搜索变慢)")

    def handle(self, *args, kind=None, refresh=False, chunk=2000, no_prune=False, defer_index=False, **options):
        started = time.monotonic()
        deferred = defer_index and not refresh and services.gin_index_drop()
        last = {"t": started}

        def progress(k, n):
            now = time.monotonic()
            if now - last["t"] >= 10:
                last["t"] = now
                self.stdout.write(f"  {k}: {n} ({now - started:.0f} s)")

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
