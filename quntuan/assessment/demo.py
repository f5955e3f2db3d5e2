"""Demo data for ledgers, supervision and the yearly assessment of one district.

    import random
    from quntuan.assessment.demo import seed_assessment
    seed_assessment(district, random.Random(11))   # after seed_demo (needs its organizations)

Creates, for every active organization: posts (编制 and 领导职数), cadres (专兼挂), budgets for
last year and this year, an office; for the district: media reports and cadre trainings of
this year, six supervision items (two of them key tasks) assigned to organizations with monthly
progress reports, and this year's indicators (organization and street). Nothing if the district
has indicators for this year already.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.assessment.models import (
    Assignment,
    Budget,
    Cadre,
    CadreTraining,
    Evidence,
    Indicator,
    MediaReport,
    OfficeSpace,
    Post,
    ProgressReport,
    Source,
    SupervisionItem,
)
from quntuan.organizations.models import Membership, Organization, Region

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
OUTLETS = {
    MediaReport.Level.CITY: ["市日报", "市电视台", "市融媒体中心"],
    MediaReport.Level.PROVINCIAL: ["省日报", "省广播电视台"],
    MediaReport.Level.NATIONAL: ["人民网", "中国青年报", "工人日报", "中国妇女报"],
}
ITEMS = [
    ("群团工作站规范化建设", True),
    ("“四点半课堂”暑期服务全覆盖", False),
    ("新就业形态劳动者入会集中行动", True),
    ("巾帼家政培训提质扩面", False),
    ("科普进社区系列活动", False),
    ("群团诉求“接诉即办”满意率提升", False),
]
INDICATORS = [
    ("诉求办理三率", Source.THREE_RATES, 30, None),
    ("活动开展", Source.ACTIVITIES, 15, 20),
    ("活动参与人次", Source.PERSON_TIMES, 10, 300),
    ("志愿服务时长", Source.VOLUNTEER_HOURS, 10, 200),
    ("督查事项按期完成", Source.SUPERVISION_ON_TIME, 15, None),
    ("工作站覆盖", Source.COVERAGE, 10, None),
    ("品牌创建与宣传(人工评分)", Source.MANUAL, 10, None),
    ("工作计划成效", Source.PLAN_OUTCOMES, 10, 200),
]
# Running items: still in progress, reported monthly up to the current month (the dispatch
# meeting of this month has something to show); the second one is already past its deadline.
RUNNING_ITEMS = [
    ("年终考核迎检资料归档", False, 35),
    ("冬季送温暖困难职工帮扶", True, -5),
]
STREET_INDICATORS = [
    ("工作站覆盖率", Source.COVERAGE, 40, None),
    ("街道活动场次", Source.ACTIVITIES, 30, 10),
    ("工作站诉求办结率", Source.RESOLUTION_RATE, 30, None),
]


@dataclass
class SeedResult:
    created: bool
    items: int = 0
    reports: int = 0
    indicators: int = 0


def _month_first(today: date, shift: int) -> date:
    """The first day of the month ``shift`` months from today's (0 or -1)."""
    first = today.replace(day=1)
    return first if shift == 0 else (first - timedelta(days=1)).replace(day=1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


@transaction.atomic
def seed_assessment(district: Region, rng: random.Random, *, today: date | None = None) -> SeedResult:
    today = today or timezone.localdate()
    year = today.year
    if Indicator.objects.filter(district=district, year=year).exists():
        return SeedResult(created=False)
    result = SeedResult(created=True)
    orgs = list(Organization.objects.filter(district=district, is_active=True).order_by("id"))
    supervisor = User.objects.filter(role=Role.SUPERVISOR, region=district).order_by("pk").first()
    for org in orgs:
        Post.objects.create(organization=org, name="机关编制", kind=Post.Kind.ESTABLISHED,
                            authorized=(a := rng.randint(5, 12)), filled=a - rng.randint(0, 2))
        Post.objects.create(organization=org, name="领导职数", kind=Post.Kind.LEADERSHIP,
                            authorized=(b := rng.randint(2, 4)), filled=b - rng.randint(0, 1))
        for kind in Cadre.Kind.values:
            for _ in range(rng.randint(1, 2)):
                start = date(year - rng.randint(0, 2), rng.randint(1, 12), 1)
                Cadre.objects.create(organization=org, name=_name(rng), kind=kind,
                                     position=rng.choice(["副主席", "副书记", "部长", "干事"]),
                                     from_unit="区属单位" if kind == Cadre.Kind.SECONDED else "",
                                     start=start, end=start + timedelta(days=730) if kind == Cadre.Kind.SECONDED else None)
        last = Decimal(rng.randrange(200, 900) * 1000)
        Budget.objects.create(organization=org, year=year - 1, amount=last)
        Budget.objects.create(organization=org, year=year, amount=(last * Decimal(rng.uniform(0.95, 1.3))).quantize(
            Decimal("1000")))
        OfficeSpace.objects.create(organization=org, address=f"{district.name}群团服务中心{rng.randint(2, 6)}楼",
                                   area=Decimal(rng.randrange(80, 400)), rooms=rng.randint(2, 8))
    for _ in range(12):
        level = rng.choices(MediaReport.Level.values, weights=[6, 3, 1])[0]
        org = rng.choice(orgs) if orgs else None
        MediaReport.objects.create(
            district=district, organization=org, level=level, outlet=rng.choice(OUTLETS[level]),
            title=f"{org.name if org else district.name}{rng.choice(['打造服务品牌', '深化基层建设', '创新服务方式'])}",
            published_on=date(year, 1, 1) + timedelta(days=rng.randint(0, max(0, (today - date(year, 1, 1)).days))),
            link=f"https://news.example.cn/{year}/{rng.randint(10000, 99999)}.html")
    for title in ["群团干部能力提升培训班", "社区工作站骨干培训", "新任群团干部岗前培训"]:
        CadreTraining.objects.create(
            district=district, organization=rng.choice(orgs) if orgs else None, title=title,
            start=date(year, 1, 1) + timedelta(days=rng.randint(0, max(0, (today - date(year, 1, 1)).days))),
            days=rng.randint(1, 3), trainees=rng.randint(30, 120))
    months = [date(year, m, 1) for m in range(1, today.month + 1)]
    for n, (title, is_key) in enumerate(ITEMS):
        due = date(year, min(12, 3 + n * 2), 28)
        item = SupervisionItem.objects.create(district=district, title=title, is_key=is_key, due_date=due,
                                              description="按区委部署推进,每月报送进展并附佐证材料。",
                                              created_by=supervisor)
        SupervisionItem.objects.filter(pk=item.pk).update(
            created_at=timezone.make_aware(datetime.combine(date(year, 1, 2), time(9))))
        result.items += 1
        mass = [o for o in orgs if o.kind == Organization.Kind.MASS] or orgs
        for org in rng.sample(mass, k=min(len(mass), rng.randint(2, 4))):
            a = Assignment.objects.create(item=item, organization=org, due_date=due)
            reporter = (Membership.objects.filter(organization=org).order_by("pk").values_list("user_id", flat=True)
                        .first())
            percent = 0
            for month in months:
                if month > due.replace(day=1) and a.status == Assignment.Status.DONE:
                    break
                percent = min(100, percent + (rng.randint(35, 60) if is_key else rng.randint(15, 40)))
                report = ProgressReport.objects.create(
                    assignment=a, month=month, percent=percent, reported_by_id=reporter,
                    text=f"{month.month}月:{rng.choice(['召开专题推进会', '完成阶段性任务', '开展走访调研', '组织集中培训'])},"
                         f"累计完成 {percent}%。")
                if rng.random() < 0.4:
                    Evidence.objects.create(report=report, kind=Evidence.Kind.VIDEO,
                                            url=f"https://video.example.cn/{rng.randint(10000, 99999)}")
                result.reports += 1
                if percent >= 100:
                    done_on = min(today, month + timedelta(days=rng.randint(5, 27)))
                    # Most finish on time; a few a little late.
                    if rng.random() < 0.2:
                        done_on = min(today, due + timedelta(days=rng.randint(1, 20)))
                    a.status, a.completed_on = Assignment.Status.DONE, done_on
                    a.save(update_fields=["status", "completed_on"])
                    break
    mass = [o for o in orgs if o.kind == Organization.Kind.MASS] or orgs
    for title, is_key, due_in in RUNNING_ITEMS:
        due = today + timedelta(days=due_in)
        item = SupervisionItem.objects.create(district=district, title=title, is_key=is_key, due_date=due,
                                              description="按区委部署推进,每月报送进展并附佐证材料。",
                                              created_by=supervisor)
        result.items += 1
        for org in mass[:3]:
            a = Assignment.objects.create(item=item, organization=org, due_date=due)
            reporter = (Membership.objects.filter(organization=org).order_by("pk").values_list("user_id", flat=True)
                        .first())
            percent = 0
            for month in (_month_first(today, -1), _month_first(today, 0)):
                percent += rng.randint(20, 35)
                ProgressReport.objects.create(
                    assignment=a, month=month, percent=percent, reported_by_id=reporter,
                    text=f"{month.month}月:{rng.choice(['召开专题推进会', '开展走访调研', '整理台账资料'])},累计完成 {percent}%。")
                result.reports += 1
    for order, (name, source, weight, target) in enumerate(INDICATORS):
        Indicator.objects.create(district=district, year=year, name=name, source=source, weight=weight,
                                 target=target, order=order)
        result.indicators += 1
    for order, (name, source, weight, target) in enumerate(STREET_INDICATORS):
        Indicator.objects.create(district=district, year=year, scope=Indicator.Scope.STREET, name=name,
                                 source=source, weight=weight, target=target, order=order)
        result.indicators += 1
    manual = Indicator.objects.get(district=district, year=year, source=Source.MANUAL)
    from quntuan.assessment.models import ManualScore
    for org in orgs:
        ManualScore.objects.create(indicator=manual, organization=org, score=Decimal(rng.randint(70, 98)),
                                   evidence="品牌项目申报材料、媒体报道截图", scored_by=supervisor)
    return result
