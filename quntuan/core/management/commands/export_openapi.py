"""Write the API's OpenAPI schema to a file (committed as docs/openapi.json, so that every API
change shows in the diff).

    uv run python manage.py export_openapi docs/openapi.json
    uv run python manage.py export_openapi docs/openapi.json --check   # exit 1 if out of date
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from ninja.responses import NinjaJSONEncoder


def openapi_text() -> str:
    """The live schema as stable, readable JSON (Chinese kept as is, two-space indent)."""
    from quntuan.api.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, cls=NinjaJSONEncoder, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "导出 API 的 OpenAPI 描述(JSON)。不给文件名时输出到标准输出。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="输出文件,如 docs/openapi.json")
        parser.add_argument("--check", action="store_true", help="只检查文件是否与当前接口一致,不一致时以状态 1 退出")

    def handle(self, *args, path=None, check=False, **options):
        text = openapi_text()
        if not path:
            if check:
                raise CommandError("--check 需要指定文件。")
            self.stdout.write(text, ending="")
            return
        target = Path(path)
        if check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(f"{path} 与当前接口不一致,请运行 manage.py export_openapi {path} 并提交。")
            self.stdout.write(f"{path} 与当前接口一致。")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {path}。")
