"""Rebuild every service's search text (after changing the jieba dictionary or the search rules)."""

from django.core.management.base import BaseCommand

from quntuan.catalog.services import service_reindex


class Command(BaseCommand):
    help = "重建服务事项的检索文本"

    def handle(self, *args, **options):
        changed = service_reindex()
        self.stdout.write(f"已重建检索文本:{changed} 项有变化。")
