"""Create the fictional demo district (示例市示例区) with staff, residents and cases."""

import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from quntuan.organizations.demo import demo_district, seed_demo


class Command(BaseCommand):
    help = "创建示范区(示例市示例区)的组织、人员、居民和各种状态的诉求;已存在则不做任何事。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="先清空整个数据库(flush)再重新生成。仅用于演示数据库!")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="以哪一天为“今天”生成历史(YYYY-MM-DD,默认今天)。")
        parser.add_argument("--accounts", type=Path, default=None,
                            help="演示账号文件(默认 var/demo-accounts.json)。")
        parser.add_argument("--cases-only", action="store_true",
                            help="只生成组织、人员和诉求,不生成活动、志愿者和考核等演示数据。")

    def handle(self, *args, reset=False, today=None, accounts=None, cases_only=False, **options):
        accounts_path = accounts or Path(settings.VAR_DIR) / "demo-accounts.json"
        if reset and demo_district() is not None:
            self.stdout.write("清空数据库(--reset)……")
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        result = seed_demo(anchor=today, accounts_path=accounts_path, log=self.stdout.write, domains=not cases_only)
        if not result.created:
            added = "、".join(result.counts) if result.counts else ""
            self.stdout.write(f"示范区已存在,{'补充了' + added + '演示数据' if added else '未做改动'}"
                              f"(--reset 可重建)。演示账号:{accounts_path}")
            return
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"示范区已生成({time.monotonic() - started:.1f} 秒):{counts['organizations']} 个组织,"
            f"{counts['workstations']} 个群团工作站,{counts['staff']} 名工作人员,{counts['residents']} 名居民,"
            f"{counts['cases']} 件诉求,{counts['events']} 条诉求事件。"
        ))
        if result.refused:
            self.stderr.write(f"有 {len(result.refused)} 个步骤被业务规则拒绝(见日志),例如:{result.refused[0]}")
        self.stdout.write(f"\n演示账号(全部见 {accounts_path}):")
        shown = [a for a in result.accounts
                 if a["role"] != "staff" or a["login"].endswith("_duty") or a["login"] in ("ws01",)]
        for a in shown[:24]:
            self.stdout.write(f"  {a['role_name']:<8} {a['login']:<22} {a['password']:<17} {a['name']:<6} "
                              f"{a['organization']}")
        if not result.accounts:
            raise CommandError("没有生成演示账号。")
