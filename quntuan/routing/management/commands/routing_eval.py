"""Train a fresh routing model on labelled JSON Lines files (plus the catalogue texts, the domain
dictionary and the rules the project ships) and evaluate it on another file.

    manage.py routing_eval --train train.jsonl [--train more.jsonl] dev.jsonl [--predictions out.jsonl]

The last line printed is one JSON object: category_top1, category_top3, org_accuracy,
dup_precision, dup_recall, ms_per_request, n."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "训练并评估智能分派模型(JSON Lines 标注数据)"

    def add_arguments(self, parser):
        parser.add_argument("eval_file")
        parser.add_argument("--train", action="append", default=[], help="训练数据(可多次给出)")
        parser.add_argument("--predictions", default=None, help="逐条预测写入此 JSON Lines 文件")
        parser.add_argument("--baseline", choices=["keyword", "ngram"], default=None,
                            help="对照基线:keyword 关键词,ngram 字符 n-gram + 逻辑回归")
        parser.add_argument("--confusion", action="store_true", help="另外打印按组织的混淆表")

    def handle(self, *args, eval_file, train, predictions, baseline, confusion, **options):
        from quntuan.routing.evaluation import confusion_by_org, evaluate

        for f in [*train, eval_file]:
            if not Path(f).is_file():
                raise CommandError(f"找不到文件:{f}")
        try:
            result = evaluate(train, eval_file, baseline=baseline, predictions=predictions)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"数据格式有误:{exc}") from exc
        if confusion:
            orgs, table = confusion_by_org(train, eval_file)
            self.stdout.write("true\\pred\t" + "\t".join(orgs))
            for a in orgs:
                self.stdout.write(a + "\t" + "\t".join(str(table.get((a, b), 0)) for b in orgs))
        self.stdout.write(json.dumps(result, ensure_ascii=False))
