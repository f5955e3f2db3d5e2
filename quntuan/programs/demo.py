"""Demo data for plans and targeted notices: residents' profiles and consents, the mass
organizations' plans (linked to their activities and services), saved target groups, a notice
sent to its audience, and referrals in every state. Everything goes through the services.

    from quntuan.programs.demo import seed_programs
    seed_programs(district, random.Random(11))      # after the activities' and volunteers' demo
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities.models import Activity
from quntuan.catalog.models import Service
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Membership, Organization, Region
from quntuan.programs import services
from quntuan.programs.models import FanoutShard, Plan, Purpose

PLANS = [
    ("union", Plan.Kind.TRAINING, "职工技能提升计划", "workers",
     "面向下岗失业职工和转岗职工,开设电工、育婴师、养老护理员培训,全年培训 300 人,帮助 120 人再就业。", 300,
     "职工教育经费", {"trained": 168, "reemployed": 61, "people_served": 420}),
    ("women", Plan.Kind.ENTREPRENEURSHIP, "巾帼创业行动", "women",
     "为有意创业的妇女提供电商培训、创业贷款对接和导师帮带,扶持 40 户创业。", 120, "妇女发展专项",
     {"trained": 74, "businesses_started": 17, "jobs_created": 46}),
    ("youth", Plan.Kind.VOLUNTEERING, "青春建功行动", "youth",
     "组织青年志愿者参与社区治理、为老服务和文明实践,全年服务 5000 人次。", 500, "团费及专项",
     {"people_served": 2310}),
    ("disabled", Plan.Kind.ASSISTANCE, "残疾人就业帮扶计划", "disabled",
     "为持证残疾人提供职业评估、按比例就业岗位对接和居家就业培训。", 80, "残疾人就业保障金",
     {"trained": 22, "reemployed": 9}),
]
EMPLOYMENT = ["employed", "employed", "employed", "unemployed", "student", "retired", "retired", ""]
WORKERS = ["rider", "courier", "driver", "", "", "", "", ""]


@dataclass
class SeedResult:
    created: bool
    counts: dict = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _staff(org: Organization) -> User | None:
    member = Membership.objects.filter(organization=org, user__is_active=True).order_by("pk").first()
    return member.user if member else None


def seed_programs(district: Region, rng: random.Random, *, today: date | None = None) -> SeedResult:
    """Nothing if the district has plans already."""
    if Plan.objects.filter(district=district).exists():
        return SeedResult(created=False)
    today = today or timezone.localdate()
    result = SeedResult(created=True)
    counts = {"profiles": 0, "plans": 0, "groups": 0, "notices": 0, "deliveries": 0, "referrals": 0}
    orgs = {o.code: o for o in Organization.objects.filter(district=district, is_active=True).order_by("id")}
    staff = {code: user for code, org in orgs.items() if (user := _staff(org))}
    residents = list(User.objects.filter(role=Role.RESIDENT, region=district, is_active=True).order_by("pk"))
    if not staff or not residents:
        result.refused.append("区内没有工作人员或居民,未生成计划数据。")
        return result

    # profiles and consents: most residents fill something in; about two in three agree to notices
    for person in residents:
        purposes = [p for p in Purpose.values if rng.random() < 0.55]
        if purposes:
            services.consent_grant(resident=person, purposes=purposes, source="demo")
        attrs = {"birth_date": today - timedelta(days=rng.randint(18 * 365, 75 * 365)),
                 "gender": rng.choice(["male", "female", "female", "male", ""]),
                 "employment_status": rng.choice(EMPLOYMENT), "worker_type": rng.choice(WORKERS),
                 "union_member": rng.choice([True, False, None]), "league_member": rng.choice([True, False, None])}
        services.profile_update(resident=person, attributes=attrs)
        counts["profiles"] += 1
    for person in rng.sample(residents, min(12, len(residents))):
        services.consent_grant(resident=person, purposes=["disability"], source="demo")
        services.profile_update(resident=person, attributes={"disability_type": rng.choice(["physical", "visual",
                                                                                            "hearing"]),
                                                             "disability_grade": rng.choice(["2", "3", "4"])})

    # target groups and plans
    groups = {}
    group_specs = {
        "union": ("失业及转岗职工(18–55岁)", {"all": [{"attr": "age", "op": "between", "value": [18, 55]},
                                                 {"attr": "employment_status", "op": "in", "value": ["unemployed"]}]}),
        "women": ("有创业意愿的妇女", {"all": [{"attr": "gender", "op": "eq", "value": "female"},
                                           {"attr": "age", "op": "between", "value": [20, 50]}]}),
        "youth": ("辖区青年", {"any": [{"attr": "league_member", "op": "eq", "value": True},
                                    {"attr": "age", "op": "between", "value": [18, 35]}]}),
        "disabled": ("持证残疾人", {"all": [{"attr": "disability_type", "op": "in",
                                          "value": ["physical", "visual", "hearing"]}]}),
    }
    for code, (name, criteria) in group_specs.items():
        if code in staff:
            groups[code] = services.target_group_save(actor=staff[code], organization=orgs[code], name=name,
                                                      criteria=criteria)
            counts["groups"] += 1
    plans = {}
    for code, kind, title, audience, goal, capacity, budget, outcomes in PLANS:
        if code not in staff:
            continue
        org = orgs[code]
        activities = tuple(Activity.objects.filter(hosts=org).order_by("-start")[:2])
        svc = tuple(Service.objects.filter(organization=org, is_active=True).order_by("id")[:2])
        try:
            plan = services.plan_create(actor=staff[code], organization=org, data=services.PlanInput(
                title=title, goal=goal, kind=kind, audience=audience, start_date=date(today.year, 1, 1),
                end_date=date(today.year, 12, 31), capacity=capacity, budget_line=budget,
                contact_name=staff[code].name, contact_phone=org.phone, target_group=groups.get(code),
                activities=activities, services=svc))
        except ApplicationError as exc:
            result.refused.append(f"{title}:{exc.message}")
            continue
        services.plan_record_outcomes(actor=staff[code], plan=plan, outcomes=outcomes)
        plans[code] = plan
        counts["plans"] += 1
    for code, plan in plans.items():
        for other in [c for c in plans if c != code][:1]:
            services.plan_comment(actor=staff[other], plan=plan, organization=orgs[other], kind="cohost",
                                  body=f"{orgs[other].name}可以协办,动员我们联系的群众参加。")

    # one notice sent to its whole audience (batches run here, in order)
    if "union" in plans:
        notice = services.notice_create(
            actor=staff["union"], organization=orgs["union"], title="免费电工、育婴师技能培训开始报名",
            body="区总工会面向失业及转岗职工开设免费技能培训,结业后推荐就业。", purpose=Purpose.EMPLOYMENT,
            target_group=groups.get("union"), plan=plans["union"], channels=["inbox"])
        noon = timezone.now().replace(hour=4, minute=0)  # 12:00 Beijing: outside the quiet hours
        try:
            services.notice_publish(actor=staff["union"], notice=notice, now=noon)
            for shard in FanoutShard.objects.filter(notice=notice):
                while services.notice_fanout_batch(shard_id=shard.pk, now=noon) == "more":
                    pass
            counts["notices"] += 1
            counts["deliveries"] = notice.deliveries.count()
        except ApplicationError as exc:
            result.refused.append(f"{notice.title}:{exc.message}")

    # referrals in every state: awaiting the resident, refused by them, then (agreed) pending,
    # accepted, completed, declined, and one agreement withdrawn
    targets = [(f, t) for f in staff for t in plans if f != t]
    states = ["awaiting_consent", "pending", "accepted", "completed", "declined", "refused", "withdrawn"]
    for state, person in zip(states, rng.sample(residents, min(len(states), len(residents))), strict=False):
        if not targets:
            break
        from_code, to_code = rng.choice(targets)
        try:
            referral = services.referral_create(
                actor=staff[from_code], from_organization=orgs[from_code], resident=person,
                reason="来访时反映有相关需求,愿意了解该计划。", plan=plans[to_code])
            if state != "awaiting_consent":
                services.referral_consent(resident=person, referral=referral, agree=state != "refused")
            if state in ("accepted", "completed", "declined", "withdrawn"):
                services.referral_decide(actor=staff[to_code], referral=referral,
                                         status="declined" if state == "declined" else "accepted",
                                         outcome="不符合本计划条件,已告知本人。" if state == "declined" else "")
            if state == "completed":
                services.referral_decide(actor=staff[to_code], referral=referral, status="completed",
                                         outcome="已纳入本期培训,结业后推荐上岗。")
            if state == "withdrawn":
                services.referral_consent(resident=person, referral=referral, agree=False)
            counts["referrals"] += 1
        except ApplicationError as exc:
            result.refused.append(f"{person}:{exc.message}")
    result.counts = counts
    return result
