"""Train a routing model from the catalogue texts and the confirmed (closed) cases and store it
as a new version; it becomes active only if it does at least as well on a held-out slice
(``--force`` activates it anyway)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "用服务目录和已办结诉求训练分派模型并存为新版本"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="不比较得分,直接启用")

    def handle(self, *args, force, **options):
        from quntuan.routing.services import routing_retrain

        row = routing_retrain(actor=None, force=force)
        self.stdout.write(json.dumps({"version": row.version, "active": row.is_active,
                                      "n_examples": row.n_examples, **row.metrics}, ensure_ascii=False))
