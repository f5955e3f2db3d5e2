"""Fill the duplicate check's stored clues of existing cases in batches (after the column was
added, or after the clue extraction changed its version).

    manage.py case_clues [--batch 1000] [--recent-days 120]

Safe to interrupt and run again; cases already holding clues of the current version are skipped."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "为已有诉求批量计算并保存重复检测线索"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="每批处理的诉求数")
        parser.add_argument(
            "--recent-days", type=int, default=None, help="只处理最近若干天受理的诉求和未办结的诉求"
        )

    def handle(self, *args, batch, recent_days, **options):
        from quntuan.cases.services.clues import case_clues_backfill

        if batch < 1 or batch > 10_000:
            raise CommandError("每批数量须在 1 到 10000 之间。")
        if recent_days is not None and recent_days < 1:
            raise CommandError("天数须为正整数。")
        since = timezone.now() - timedelta(days=recent_days) if recent_days else None

        def progress(written: int, last_id: int) -> None:
            self.stdout.write(f"{written} 条已写入(至 id {last_id})")

        total = case_clues_backfill(batch_size=batch, received_since=since, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"完成:共写入 {total} 条诉求的线索。"))
