"""Demo data for the overlap matrix: the district's legal-aid centre (a government body working on
the platform as a partner) with its services, and a dozen legal-aid cases that go between the
union, the women's federation and the centre — transfers, a return, co-handlings — so that the
overlap of legal aid (union.legal, women.rights and the centre) shows in the demo district.

Called by ``seed_domains``; does nothing when the centre exists. The cases are made by the case
services with the clock moved to each step, like the rest of the demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.organizations.models import Membership, Organization, Region

LEGAL_AID_CODE = "legal-aid"
LEGAL_AID_NAME = "示例区法律援助中心"
KEY_PREFIX = "demo-overlap-"
STAFF_PASSWORD = "Staff-Demo-2026"  # the demo's staff password (organizations.demo.PASSWORDS)

LEGAL_AID_SERVICES = [
    {"name": "法律援助申请", "time_limit_class": "help",
     "materials": "身份证\n经济困难状况说明\n与案件有关的材料(劳动合同、工资记录、受伤或受暴证据等)",
     "description": "经济困难的职工和妇女在追索劳动报酬(欠薪)、工伤认定和赔偿、劳动争议、家庭暴力、离婚和"
                    "人身安全保护令等事项中需要律师的,可申请免费法律援助;经审查符合条件的,指派律师代理劳动仲裁"
                    "或诉讼。"},
    {"name": "值班律师免费法律咨询", "time_limit_class": "consult", "materials": "",
     "description": "值班律师免费解答劳动争议、工伤、欠薪、婚姻家庭、家庭暴力、继承和债务等法律问题,"
                    "协助起草仲裁申请书、起诉状和人身安全保护令申请书。"},
]


@dataclass(frozen=True)
class LegalCase:
    org: str  # organization code of the service the resident chose
    service: str  # its name
    title: str
    content: str
    days_ago: int  # received that many days before the anchor (moved to a working day)
    path: str  # what happens: see _steps
    to: str = ""  # organization code the case goes to (transfer or co-handling)


CASES: list[LegalCase] = [
    LegalCase("union", "欠薪求助与讨薪协调", "装修公司拖欠半年工资,老板不接电话",
              "我在{street}一家装修公司干了一年木工,公司拖欠半年工资共四万多元,老板现在不接电话。"
              "想申请劳动仲裁,但不会写材料,也请不起律师。", 118, "transfer_closed", "legal-aid"),
    LegalCase("union", "工伤认定咨询与维权帮助", "工地摔伤后公司不认工伤",
              "在工地搬运时从脚手架摔下,腿骨折住院,公司说我是临时工不给申请工伤,还不报销医药费。"
              "想找律师帮忙打官司。", 96, "transfer_closed", "legal-aid"),
    LegalCase("union", "劳动合同与加班费法律咨询", "被辞退后公司不给经济补偿",
              "干了五年的工厂突然口头通知我不用来了,不给经济补偿,也不出解除劳动合同证明。"
              "工会律师已经解答,我想请律师代理仲裁。", 74, "transfer_closed", "legal-aid"),
    LegalCase("union", "欠薪求助与讨薪协调", "物流公司拖欠三个月工资",
              "我和十几个工友在{community}附近的物流仓库上班,公司已经三个月没发工资,请帮我们讨薪并提供法律援助。",
              62, "transfer_returned", "legal-aid"),
    LegalCase("women", "家庭暴力求助", "长期被丈夫殴打,想离婚又请不起律师",
              "结婚八年,丈夫喝酒后经常动手打我,上个月报过警。我想离婚并争取孩子抚养权,但没有收入,请不起律师。",
              110, "transfer_closed", "legal-aid"),
    LegalCase("women", "人身安全保护令申请协助", "前夫离婚后仍上门骚扰威胁",
              "离婚半年了,前夫还经常到{community}家门口骚扰,威胁要打我和孩子。想申请人身安全保护令,"
              "需要律师帮助写申请。", 88, "transfer_closed", "legal-aid"),
    LegalCase("women", "妇女婚姻财产权益咨询", "离婚诉讼需要律师代理",
              "丈夫起诉离婚,要分走婚前父母给我买的房子。我没有工作,想申请法律援助律师代理应诉。",
              3, "transfer_open", "legal-aid"),
    LegalCase("women", "妇女婚姻财产权益咨询", "女职工被公司拖欠工资",
              "我在{street}一家服装厂做车工,厂里拖欠我两个月工资,听说妇联帮妇女维权,想请妇联帮我要回工资。",
              104, "transfer_closed", "union"),
    LegalCase("women", "妇女婚姻财产权益咨询", "女工怀孕后被调岗降薪",
              "怀孕四个月后公司把我从办公室调到仓库,工资降了一半,主管还说不愿意就辞职。",
              80, "transfer_closed", "union"),
    LegalCase("union", "劳动合同与加班费法律咨询", "咨询离婚时房产和存款怎么分",
              "我是企业职工,和丈夫准备离婚,想咨询婚后买的房子和存款怎么分,孩子抚养权归谁。",
              92, "transfer_closed", "women"),
    LegalCase("union", "孕期哺乳期女职工权益咨询", "哺乳期被要求上夜班",
              "产假结束回单位上班,孩子还不满一岁,主管安排我每周上三个夜班,不同意就扣绩效。",
              70, "cohandled_closed", "women"),
    LegalCase("union", "劳动争议调解申请", "加班费争议调解后仍需代理仲裁",
              "公司两年没付加班费,工会组织调解没有谈成,想申请仲裁,请法律服务社的律师一起帮忙。",
              55, "cohandled_closed", "tongxin-legal"),
]

RESULTS = {
    "legal-aid": "经审查符合法律援助条件,已指派律师代理,案件进入仲裁或诉讼程序,律师将与您保持联系。",
    "union": "已与用人单位沟通,单位承诺补发工资并纠正违法行为,工会将跟踪落实。",
    "women": "已安排婚姻家庭律师解答,并告知可申请法律援助和调解的渠道。",
}


@dataclass
class SeedResult:
    created: bool
    counts: dict = field(default_factory=dict)


def _workday(cal, day: date) -> date:
    while not cal.is_workday(day):
        day -= timedelta(days=1)
    return day


@transaction.atomic
def _legal_aid_centre(district: Region) -> tuple[Organization, list[User]]:
    from quntuan.catalog.models import Category
    from quntuan.catalog.services import service_create

    centre = Organization.objects.create(
        district=district, code=LEGAL_AID_CODE, name=LEGAL_AID_NAME, kind=Organization.Kind.GOVERNMENT,
        phone="12348", address=f"{district.name}司法局一楼",
    )
    category = Category.objects.get(code="other.government")
    for spec in LEGAL_AID_SERVICES:
        service_create(organization=centre, category=category, **spec)
    password = make_password(STAFF_PASSWORD)
    people = []
    for login, name, role, member_role, on_duty in (
        ("legal-aid-leader", "罗静远", Role.ORG_LEADER, Membership.Role.LEADER, False),
        ("legal-aid-staff", "田立诚", Role.STAFF, Membership.Role.STAFF, True),
    ):
        user = User.objects.create(username=login, name=name, role=role, region=district, password=password)
        Membership.objects.create(user=user, organization=centre, role=member_role, is_on_duty_receiver=on_duty)
        people.append(user)
    return centre, people


def seed_routing(district: Region, rng: random.Random, *, today: date | None = None) -> SeedResult:
    """The legal-aid centre and its cases (nothing when the centre exists)."""
    from quntuan.cases.models import Case

    centre_exists = Organization.objects.filter(district=district, code=LEGAL_AID_CODE).exists()
    cases_exist = Case.objects.filter(district=district, idempotency_key__startswith=KEY_PREFIX).exists()
    if centre_exists and cases_exist:
        return SeedResult(created=False)
    today = today or timezone.localdate()
    if not centre_exists:
        _legal_aid_centre(district)
    made = _replay(district, rng, today)
    return SeedResult(created=True, counts={"organizations": int(not centre_exists), "cases": made})


def _replay(district: Region, rng: random.Random, today: date) -> int:
    import time_machine

    from quntuan.catalog.models import Service
    from quntuan.workdays.services import calendar_for_years

    cal = calendar_for_years(range(today.year - 1, today.year + 1))
    orgs = {o.code: o for o in Organization.objects.filter(district=district)}
    services = {(s.organization.code, s.name): s
                for s in Service.objects.filter(organization__district=district).select_related("organization")}
    residents = list(User.objects.filter(role=Role.RESIDENT, region=district, community__isnull=False)
                     .select_related("community__parent").order_by("id"))
    if not residents or any(code not in orgs for code in ("union", "women")):
        return 0
    tz = timezone.get_default_timezone()
    cutoff = datetime.combine(today, time(0), tz)
    made = 0
    for n, spec in enumerate(CASES):
        service = services.get((spec.org, spec.service))
        target = orgs.get(spec.to)
        if service is None or target is None:
            continue
        resident = residents[rng.randrange(len(residents))]
        day = _workday(cal, today - timedelta(days=spec.days_ago))
        received = datetime.combine(day, time(9, 10 + n * 3), tz)
        steps = _steps(spec, resident, service, target, district, received, cal, n)
        case = None
        for at, step in steps:
            if at >= cutoff:
                break
            with time_machine.travel(at, tick=False):
                case = step(case)
        made += case is not None
    return made


def _steps(spec: LegalCase, resident: User, service, target: Organization, district: Region,
           received: datetime, cal, n: int):
    from quntuan.cases import services as cs
    from quntuan.cases.models import Rating

    community = resident.community
    content = spec.content.format(community=community.name if community else "",
                                  street=community.parent.name if community and community.parent else "")

    def at(workdays: int, hour: int) -> datetime:
        return datetime.combine(cal.add_workdays(received.date(), workdays), time(hour, 5 + n), received.tzinfo)

    def member(org_id: int, *, exclude=None) -> User:
        m = (Membership.objects.filter(organization_id=org_id, workstation__isnull=True, user__is_active=True)
             .exclude(user=exclude).select_related("user").order_by("role", "id").first())
        return m.user

    def submit(_case):
        return cs.case_submit(
            district=district, title=spec.title, content=content, requester=resident,
            requester_name=resident.name, requester_mobile=resident.mobile, channel="web", service=service,
            community=community, idempotency_key=f"{KEY_PREFIX}{n}",
        )

    def contact(case):
        cs.case_contact(case=case, actor=case.first_inquirer, note="已电话联系诉求人,了解详细情况。")
        return case

    def transfer(case):
        reason = {
            "legal-aid": "需要律师代理仲裁或诉讼,申请人经济困难,转请法律援助中心指派律师。",
            "union": "属于劳动关系争议,由工会依法维权更合适,转请区总工会办理。",
            "women": "属于婚姻家庭和妇女权益问题,转请区妇联办理。",
        }[spec.to]
        cs.case_transfer(case=case, actor=case.handler or case.first_inquirer, to_org=target, reason=reason)
        return case

    def accept(case):
        cs.case_transfer_accept(case=case, actor=member(target.pk))
        return case

    def give_back(case):
        cs.case_transfer_return(case=case, actor=member(target.pk),
                                reason="工会律师已代理该批工友的劳动仲裁,无需重复指派法律援助律师,退回工会继续跟进。")
        return case

    def informed(case):
        cs.case_confirm_requester_informed(case=case, actor=case.first_inquirer)
        return case

    def cohandle(case):
        cs.case_add_cohandler(case=case, actor=case.handler or case.first_inquirer, organization=target,
                              task="请协助从妇女权益或法律服务角度提出意见。", days=3)
        return case

    def cohandler_reply(case):
        co = case.cohandlings.get(organization=target)
        cs.case_cohandler_reply(cohandling=co, actor=member(target.pk),
                                reply="已与诉求人沟通,提供了法律意见,建议由承办单位督促用人单位纠正。")
        return case

    def close(case):
        case.refresh_from_db()
        actor = case.handler or member(case.handling_org_id)
        cs.case_reply_and_close(case=case, actor=actor, result=RESULTS.get(case.handling_org.code, RESULTS["union"]))
        return case

    def rate(case):
        cs.case_rate(case=case, actor=resident, solved=True, level=Rating.Level.SATISFIED,
                     comment="工作人员很耐心,问题得到了解决。")
        return case

    r = received
    steps = [(r, submit), (r + timedelta(minutes=50), contact)]
    if spec.path.startswith("transfer"):
        steps.append((r + timedelta(hours=3), transfer))
    if spec.path == "transfer_closed":
        steps += [(at(1, 10), accept), (at(1, 11), informed), (at(4, 15), close), (at(5, 10), rate)]
    elif spec.path == "transfer_returned":
        steps += [(at(1, 10), give_back), (at(3, 15), close), (at(4, 10), rate)]
    elif spec.path == "cohandled_closed":
        steps += [(at(1, 9), cohandle), (at(2, 15), cohandler_reply), (at(4, 10), close), (at(5, 9), rate)]
    return steps
