"""Train a routing model from the catalogue texts and the confirmed (closed) cases and store it
as a new version; it becomes active only if it does at least as well on a held-out slice
(``--force`` activates it anyway; ``--if-missing`` trains only when no model is active, as the
start script does: serving processes then load the stored model instead of fitting one)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "用服务目录和已办结诉求训练分派模型并存为新版本"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="不比较得分,直接启用")
        parser.add_argument("--if-missing", action="store_true", help="已有启用的模型时不训练")

    def handle(self, *args, force, if_missing=False, **options):
        from quntuan.routing.models import RoutingModel
        from quntuan.routing.services import routing_retrain

        if if_missing and RoutingModel.objects.filter(is_active=True).exists():
            self.stdout.write(json.dumps({"skipped": "已有启用的模型"}, ensure_ascii=False))
            return

        row = routing_retrain(actor=None, force=force)
        self.stdout.write(json.dumps({"version": row.version, "active": row.is_active,
                                      "n_examples": row.n_examples, **row.metrics}, ensure_ascii=False))
