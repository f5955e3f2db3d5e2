"""Learn each category's typical problem words from the shipped example requests and the
catalogue and write them to ``quntuan/routing/corpus/typical.json`` (``--check``: only compare,
exit 1 when the file is out of date). The duplicate check reads the file: a typical word alone
says what kind of matter, not which one (``duplicates.evidence``)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError


def current() -> str:
    from quntuan.routing.duplicates import learn_typical
    from quntuan.routing.model import catalogue_examples, example_requests

    data = learn_typical([*example_requests(), *catalogue_examples()])
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "从随附的示例诉求和服务目录学习各类别的常见问题词,写入 typical.json"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比较,文件过期时退出码为 1")

    def handle(self, *args, check=False, **options):
        from quntuan.routing.duplicates import TYPICAL_FILE, typical_words

        text = current()
        old = TYPICAL_FILE.read_text(encoding="utf-8") if TYPICAL_FILE.exists() else ""
        if check:
            if old != text:
                raise CommandError(f"{TYPICAL_FILE.name} 已过期: 请运行 manage.py routing_typical")
            self.stdout.write(f"{TYPICAL_FILE.name} 是最新的")
            return
        TYPICAL_FILE.write_text(text, encoding="utf-8")
        typical_words.cache_clear()
        n = len(json.loads(text))
        self.stdout.write(f"已写入 {TYPICAL_FILE.name}: {n} 个类别")
