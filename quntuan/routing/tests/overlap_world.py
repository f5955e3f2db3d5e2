"""A small district for the overlap tests: the union, the women's federation, the Youth League
and a legal-aid centre (a government partner) with services, staff, and four cases that go
between them (built on a Monday with the case services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from quntuan.accounts.models import Role
from quntuan.cases import services as cs
from quntuan.cases.models import Case, Channel
from quntuan.catalog.models import Category, Service
from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff, make_user
from quntuan.organizations.models import Organization

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CATEGORIES = {
    "union.legal": ("职工维权与劳动争议调解", "工资被拖欠、劳动合同纠纷、工伤认定、被违法辞退等劳动关系问题。"),
    "women.rights": ("妇女儿童权益保护", "家庭暴力求助、人身安全保护令申请协助、妇女婚姻财产权益。"),
    "youth.care": ("青少年权益与成长关爱", "校园欺凌、青少年心理疏导、留守儿童关爱。"),
    "other.government": ("政府部门职责事项(转办)", "物业管理、道路和市政设施、噪声扰民等应由政府部门办理的事项。"),
}

SERVICES = [
    ("union", "union.legal", "欠薪求助与讨薪协调",
     "单位拖欠工资的,工会与用人单位协商,协商不成的引导申请劳动仲裁,单位不配合时提供法律援助。"),
    ("union", "union.legal", "劳动合同法律咨询", "由工会律师解答劳动合同、加班费、工伤和劳动争议等法律问题。"),
    ("women", "women.rights", "家庭暴力求助", "遭受家庭暴力的,妇联提供心理支持和法律援助,协助申请人身安全保护令。"),
    ("women", "women.rights", "妇女婚姻财产权益咨询", "解答离婚财产分割、抚养权等妇女财产权益问题。"),
    ("youth", "youth.care", "青少年心理咨询预约", "为青少年及其家长预约心理咨询师,提供情绪和学业方面的疏导。"),
    ("legal", "other.government", "法律援助申请",
     "经济困难的职工和妇女在追索劳动报酬、工伤、劳动争议、家庭暴力、离婚等事项中需要律师的,可申请法律援助,指派律师代理仲裁或诉讼。"),
    ("legal", "other.government", "值班律师法律咨询",
     "值班律师免费解答劳动争议、工伤、欠薪、婚姻家庭和家庭暴力等法律问题,协助起草人身安全保护令申请书。"),
]


@dataclass
class OverlapWorld:
    district: object
    other_district: object
    union: Organization
    women: Organization
    youth: Organization
    legal: Organization
    union_duty: object
    union_leader: object
    women_duty: object
    legal_staff: object
    youth_staff: object
    supervisor: object
    other_supervisor: object
    auditor: object
    admin: object
    resident: object
    services: dict
    cases: dict


def build_overlap_world() -> OverlapWorld:
    district = make_district("测试区")
    other_district = make_district("邻区")
    community = make_community(district, "幸福社区")
    union, women, youth = make_org(district, "union"), make_org(district, "women"), make_org(district, "youth")
    legal = make_org(district, "legal-aid", "测试区法律援助中心", kind=Organization.Kind.GOVERNMENT)
    orgs = {"union": union, "women": women, "youth": youth, "legal": legal}
    categories = {}
    for code, (name, covers) in CATEGORIES.items():
        categories[code], _ = Category.objects.update_or_create(
            code=code, defaults={"org_code": code.split(".")[0], "name": name, "covers": covers})
    services = {
        name: Service.objects.create(organization=orgs[org], category=categories[cat], name=name, description=desc)
        for org, cat, name, desc in SERVICES
    }
    w = OverlapWorld(
        district=district, other_district=other_district, union=union, women=women, youth=youth, legal=legal,
        union_duty=make_staff(union, on_duty=True, name="工会值班"),
        union_leader=make_staff(union, leader=True, name="工会主席"),
        women_duty=make_staff(women, on_duty=True, name="妇联值班"),
        legal_staff=make_staff(legal, on_duty=True, name="援助律师"),
        youth_staff=make_staff(youth, on_duty=True, name="团委干事"),
        supervisor=make_user(Role.SUPERVISOR, district),
        other_supervisor=make_user(Role.SUPERVISOR, other_district),
        auditor=make_user(Role.AUDITOR, district),
        admin=make_user(Role.PLATFORM_ADMIN, None),
        resident=make_resident(district, mobile="13900001111", name="张三", community=community),
        services=services, cases={},
    )

    def submit(service: str, title: str, content: str, **extra) -> Case:
        return cs.case_submit(district=district, title=title, content=content, requester=w.resident,
                              requester_name="张三", requester_mobile=w.resident.mobile, channel=Channel.WEB,
                              service=services[service], community=community, **extra)

    with time_machine.travel(MONDAY, tick=False):
        # union → legal-aid centre, accepted
        c = submit("欠薪求助与讨薪协调", "公司拖欠半年工资", "装修公司拖欠半年工资,想申请仲裁,请不起律师。")
        cs.case_contact(case=c, actor=w.union_duty)
        cs.case_transfer(case=c, actor=w.union_duty, to_org=legal, reason="需要律师代理仲裁。")
        cs.case_transfer_accept(case=c, actor=w.legal_staff)
        w.cases["wages"] = c
        # women → legal-aid centre, returned
        c = submit("家庭暴力求助", "被丈夫殴打想离婚", "丈夫经常动手打我,想离婚,没钱请律师。")
        cs.case_contact(case=c, actor=w.women_duty)
        cs.case_transfer(case=c, actor=w.women_duty, to_org=legal, reason="需要律师代理离婚诉讼。")
        cs.case_transfer_return(case=c, actor=w.legal_staff, reason="请先办理经济困难证明。")
        w.cases["violence"] = c
        # women → union, accepted (a labour matter told to the women's federation)
        c = submit("妇女婚姻财产权益咨询", "女职工被拖欠工资", "服装厂拖欠我两个月工资,请妇联帮忙。")
        cs.case_contact(case=c, actor=w.women_duty)
        cs.case_transfer(case=c, actor=w.women_duty, to_org=union, reason="属于劳动关系,由工会办理。")
        cs.case_transfer_accept(case=c, actor=w.union_duty)
        w.cases["woman_wages"] = c
        # union, co-handled by the women's federation
        c = submit("劳动合同法律咨询", "哺乳期被安排夜班", "孩子不满一岁,单位安排我上夜班。")
        cs.case_contact(case=c, actor=w.union_duty)
        cs.case_add_cohandler(case=c, actor=w.union_duty, organization=women, task="请提供妇女权益意见。", days=3)
        w.cases["night_shift"] = c
        # a women's-federation matter taken in and handled by the union's window (no transfer)
        c = cs.case_submit(district=district, title="咨询离婚财产分割", content="想咨询离婚时房产怎么分。",
                           requester_name="李四", requester_mobile="13900002222", channel=Channel.WALK_IN,
                           service=services["妇女婚姻财产权益咨询"], received_by=w.union_duty, received_org=union)
        w.cases["walk_in"] = c
    return w
