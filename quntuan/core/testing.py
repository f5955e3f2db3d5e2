"""Factories for tests: small functions that build a consistent district. Tests call them and
assert exact values; none of them hard-codes ids."""

from __future__ import annotations

import itertools

from quntuan.accounts.models import Role, User
from quntuan.catalog.models import Category, Service, TimeLimitClass
from quntuan.organizations.models import DistrictRules, Membership, Organization, Region, Workstation

_seq = itertools.count(1)
PASSWORD = "Test-Pass-2026"

ORG_NAMES = {
    "union": "区总工会",
    "youth": "共青团区委",
    "women": "区妇联",
    "science": "区科协",
    "overseas": "区侨联",
    "disabled": "区残联",
}


def make_region(name: str, level: str, parent: Region | None = None) -> Region:
    n = next(_seq)
    region = Region.objects.create(code=f"T{n:06d}", name=name, level=level, parent=parent)
    if level == Region.Level.DISTRICT:
        region.district = region
    elif parent is not None:
        region.district = parent.district
    region.save(update_fields=["district"])
    return region


def make_district(name: str = "测试区", *, with_rules: bool = True) -> Region:
    city = make_region("测试市", Region.Level.CITY)
    district = make_region(name, Region.Level.DISTRICT, city)
    if with_rules:
        DistrictRules.objects.create(district=district)
    return district


def make_community(district: Region, name: str = "幸福社区", *, workstation: bool = True) -> Region:
    street = make_region(f"{name}所在街道", Region.Level.STREET, district)
    community = make_region(name, Region.Level.COMMUNITY, street)
    if workstation:
        Workstation.objects.create(community=community, name=f"{name}群团工作站")
    return community


def make_org(district: Region, code: str = "union", name: str | None = None, kind=Organization.Kind.MASS) -> Organization:
    return Organization.objects.create(district=district, code=code, name=name or ORG_NAMES.get(code, code), kind=kind)


def make_staff(org: Organization, *, leader: bool = False, on_duty: bool = False, username: str | None = None,
               workstation: Workstation | None = None, name: str | None = None) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"staff{n}",
        password=PASSWORD,
        name=name or f"工作人员{n}",
        role=Role.ORG_LEADER if leader else Role.STAFF,
        region=org.district,
    )
    Membership.objects.create(
        user=user, organization=org, workstation=workstation,
        role=Membership.Role.LEADER if leader else Membership.Role.STAFF,
        is_on_duty_receiver=on_duty,
    )
    return user


def make_user(role: str, region: Region | None = None, **fields) -> User:
    n = next(_seq)
    fields.setdefault("username", f"{role}{n}")
    fields.setdefault("name", f"{role}{n}")
    return User.objects.create_user(password=PASSWORD, role=role, region=region, **fields)


def make_resident(district: Region | None = None, *, mobile: str | None = None, name: str | None = None,
                  community: Region | None = None) -> User:
    n = next(_seq)
    return User.objects.create_user(
        mobile=mobile or f"139{n:08d}",
        password=PASSWORD,
        name=name or f"居民{n}",
        role=Role.RESIDENT,
        region=district,
        community=community,
    )


def make_category(code: str = "union.legal", name: str = "职工法律援助") -> Category:
    category, _ = Category.objects.get_or_create(code=code, defaults={"org_code": code.split(".")[0], "name": name})
    return category


def make_service(org: Organization, *, category: Category | None = None, name: str | None = None,
                 time_limit_class: str = TimeLimitClass.HELP, materials: str = "") -> Service:
    category = category or make_category(f"{org.code}.general", f"{org.name}服务")
    return Service.objects.create(
        organization=org, category=category, name=name or f"{org.name}服务{next(_seq)}",
        time_limit_class=time_limit_class, materials=materials,
    )


def run_together(jobs, threads: int):
    """Race harness for PostgreSQL tests: run the callables in ``jobs`` on ``threads`` threads
    that start together (each with its own database connection); return the results, or the
    exceptions raised, in job order."""
    import threading

    from django.db import connection

    results = [None] * len(jobs)
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    queue = list(range(len(jobs)))

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    i = queue.pop(0)
                try:
                    results[i] = jobs[i]()
                except Exception as exc:  # noqa: BLE001 - returned to the test
                    results[i] = exc
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def browser_login(browser, live_server, viewport, login_name, next_url, password: str = PASSWORD):
    """Browser tests: a new Chromium context logged in through the real login page, on
    ``next_url``. Returns (context, page)."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=login]", login_name)
    page.fill("input[name=password]", password)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return context, page
