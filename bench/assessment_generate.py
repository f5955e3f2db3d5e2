"""Add what the dashboards, the yearly assessment and the work report read to a benchmark database:
volunteers with shifts and confirmed service hours, training courses with attendance and
outcomes, work plans with their outcomes, ledgers, supervision items with assignments and
monthly progress, and each district's assessment indicators.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/quntuan_bench \\
        nice -n 10 uv run python bench/assessment_generate.py [--volunteers 100000] [--replace]

Run bench/generate.py and bench/activities_generate.py first (the city, residents, cases and
activities). Rows are written with PostgreSQL COPY through the ``Table`` helper of
bench/generate.py (column lists from the models' ``_meta``); foreign-key triggers are skipped,
the data being consistent by construction. Deterministic for a --seed and day.

Sizes at the defaults (a city of 1,000,000 residents, 110 organizations, three years):
* 100,000 volunteers (one resident in ten); two shifts on every past published volunteer-service
  activity, about 15 volunteers on each with a service record (90 % confirmed, 2–4 hours), and
  an ActivityServiceSummary (people served) per activity;
* a training course for every past published training activity, four sessions, 25 trainees,
  attendance at three sessions in four, completions and outcomes (re-employed, changed job,
  started a business) for a fifth of the trainees;
* 50 work plans per organization and year (16,500), the finished ones with outcomes;
* ledgers: posts, cadres, budgets for three years, office space, 300 media reports and 40 cadre
  trainings per district and year;
* 100 supervision items per district and year (3 % key tasks), each assigned to 2–6
  organizations, with monthly progress reports;
* for each district and year, eleven organization indicators (every computed source, including
  plan outcomes, and two manual ones with scores) and four street indicators.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.generate import OUT, Table, connect, row  # noqa: E402

SKILLS = ["急救", "法律咨询", "心理疏导", "电脑维修", "文艺表演", "外语", "驾驶", "摄影", ""]
SHIFT_TITLES = ["现场引导", "物资发放", "秩序维护", "上门服务", "宣传讲解"]
PLAN_TITLES = {
    "training": ["职业技能提升计划", "新就业形态劳动者培训", "家政服务人员培训计划"],
    "entrepreneurship": ["青年创业扶持计划", "巾帼创业帮扶行动", "返乡创业孵化项目"],
    "volunteering": ["社区志愿服务提升行动", "关爱空巢老人志愿计划", "文明实践志愿行动"],
    "assistance": ["困难职工帮扶计划", "残疾人就业援助", "困境儿童关爱行动"],
    "other": ["群团阵地提质计划", "普法宣传进社区", "家庭教育指导计划"],
}
ITEM_TITLES = ["推进群团工作站标准化建设", "开展职工技能竞赛", "落实困难群众帮扶", "推进志愿服务常态化",
               "完成年度培训任务", "做好信访积案化解", "推进阵地共建共享", "开展普法宣传月活动"]
OUTLETS = {"city": ["市日报", "市电视台", "市融媒体中心"], "provincial": ["省日报", "省电视台"],
           "national": ["人民网", "新华网", "中国青年报"]}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--volunteers", type=int, default=100_000)
    p.add_argument("--volunteers-per-shift", type=int, default=15)
    p.add_argument("--trainees-per-course", type=int, default=25)
    p.add_argument("--plans-per-org-year", type=int, default=50)
    p.add_argument("--items-per-district-year", type=int, default=100)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--replace", action="store_true", help="delete existing rows of these tables first")
    return p.parse_args(argv)


def ts(d: date, minute: int) -> str:
    return f"{d.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00+08"


def main(argv=None) -> int:  # noqa: C901 - one straight generator
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from quntuan.accounts.models import Role, User
    from quntuan.activities.models import Activity
    from quntuan.assessment.models import (
        Assignment,
        Budget,
        Cadre,
        CadreTraining,
        Indicator,
        ManualScore,
        MediaReport,
        OfficeSpace,
        Post,
        ProgressReport,
        SupervisionItem,
        VetoFlag,
    )
    from quntuan.organizations.models import Membership, Organization, Region
    from quntuan.programs.models import Plan
    from quntuan.volunteers.models import (
        ActivityServiceSummary,
        Enrollment,
        ServiceRecord,
        SessionAttendance,
        Shift,
        TrainingCourse,
        TrainingOutcome,
        TrainingSession,
        Volunteer,
    )

    t_all = time.perf_counter()
    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0)
    rnd = random.Random(args.seed)
    now = timezone.localtime()
    today = now.date()
    now_text = now.isoformat()
    models = [Volunteer, Shift, ServiceRecord, ActivityServiceSummary, TrainingCourse, TrainingSession, Enrollment,
              SessionAttendance, TrainingOutcome, Plan, Post, Cadre, Budget, OfficeSpace, MediaReport, CadreTraining,
              SupervisionItem, Assignment, ProgressReport, Indicator, ManualScore, VetoFlag]
    conn = connect(url)
    if Volunteer.objects.exists() or Plan.objects.exists() or Indicator.objects.exists():
        if not args.replace:
            raise SystemExit("the database already holds volunteers, plans or indicators; run with --replace")
        conn.execute("TRUNCATE " + ", ".join(f'"{m._meta.db_table}"' for m in models) + " CASCADE")

    districts = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").values_list("id", flat=True))
    streets_by_district: dict[int, list[int]] = {}
    for sid, did in Region.objects.filter(level=Region.Level.STREET).values_list("id", "district_id"):
        streets_by_district.setdefault(did, []).append(sid)
    communities_by_district: dict[int, list[int]] = {}
    for cid, did in Region.objects.filter(level=Region.Level.COMMUNITY).values_list("id", "district_id"):
        communities_by_district.setdefault(did, []).append(cid)
    orgs = list(Organization.objects.filter(is_active=True, district_id__in=districts)
                .values_list("id", "district_id", "kind"))
    orgs_by_district: dict[int, list[int]] = {}
    for oid, did, _k in orgs:
        orgs_by_district.setdefault(did, []).append(oid)
    staff_by_org: dict[int, list[int]] = {}
    for oid, uid in Membership.objects.values_list("organization_id", "user_id"):
        staff_by_org.setdefault(oid, []).append(uid)
    supervisors = dict(User.objects.filter(role=Role.SUPERVISOR, region_id__in=districts)
                       .values_list("region_id", "id"))
    res = User.objects.filter(role=Role.RESIDENT).order_by("id")
    first_res = res.values_list("id", flat=True).first()
    n_res = res.count()
    if not districts or not n_res:
        raise SystemExit("no city in this database: run bench/generate.py first")
    region_of = {}  # resident id → district for the volunteers
    counts: dict[str, int] = {}

    def copy_rows(model, columns, rows_iter) -> int:
        table = Table(model, columns, now)
        with ExitStack() as stack:
            table.open(stack, conn)
            for values in rows_iter:
                table.add(row(*values))
            table.flush()
        counts[model._meta.db_table] = table.rows
        return table.rows

    # ---- volunteers and service hours -----------------------------------------------------------
    t = time.perf_counter()
    step = max(1, n_res // args.volunteers)
    vol_ids = []
    vol_by_district: dict[int, list[int]] = {}
    users = dict(User.objects.filter(role=Role.RESIDENT, id__in=[first_res + i * step for i in range(args.volunteers)])
                 .values_list("id", "region_id"))
    vrows = []
    for i in range(args.volunteers):
        uid = first_res + i * step
        did = users.get(uid)
        if did is None:
            continue
        vid = len(vrows) + 1
        region_of[uid] = did
        vol_by_district.setdefault(did, []).append(vid)
        vol_ids.append(vid)
        vrows.append((vid, uid, did, f"V{did:04d}{vid:08d}", f"志愿者{vid}", f"11010119{80 + vid % 20}0101{vid:06d}",
                      rnd.choice(SKILLS), "active", now_text, now_text))
    copy_rows(Volunteer, ["id", "user_id", "district_id", "number", "real_name", "id_number", "skills", "status",
                          "created_at", "updated_at"], vrows)

    past_volunteer = list(Activity.objects.filter(kind="volunteer", status="published", start__lt=now)
                          .values_list("id", "district_id", "start", "end", "primary_host_id"))
    shift_rows, rec_rows, summ_rows = [], [], []
    rec_id = 0
    for aid, did, start, end, host in past_volunteer:
        pool = vol_by_district.get(did) or vol_ids
        staff = staff_by_org.get(host, [None])
        half = start + (end - start) / 2
        summ_rows.append((len(summ_rows) + 1, aid, rnd.randint(20, 300), "服务群众,发放宣传资料", staff[0],
                          now_text, now_text))
        for s0, s1 in ((start, half), (half, end)):
            sid = len(shift_rows) + 1
            k = args.volunteers_per_shift + rnd.randint(-5, 5)
            shift_rows.append((sid, aid, rnd.choice(SHIFT_TITLES), s0.isoformat(), s1.isoformat(), k + 5, staff[0],
                               now_text, now_text))
            minutes = max(30, int((s1 - s0).total_seconds() // 60))
            for vid in rnd.sample(pool, min(k, len(pool))):
                rec_id += 1
                r = rnd.random()
                status = "confirmed" if r < 0.9 else "reported" if r < 0.96 else "rejected"
                mins = minutes if status == "confirmed" else 0
                rec_rows.append((rec_id, sid, vid, status, minutes, s1.isoformat(), mins, "志愿服务",
                                 rnd.choice(staff) if status != "reported" else None,
                                 s1.isoformat() if status != "reported" else None, now_text, now_text))
    copy_rows(Shift, ["id", "activity_id", "title", "start", "end", "slots", "created_by_id", "created_at",
                      "updated_at"], shift_rows)
    copy_rows(ServiceRecord, ["id", "shift_id", "volunteer_id", "status", "reported_minutes", "reported_at", "minutes",
                              "content", "confirmed_by_id", "confirmed_at", "created_at", "updated_at"], rec_rows)
    copy_rows(ActivityServiceSummary, ["id", "activity_id", "people_served", "summary", "recorded_by_id",
                                       "created_at", "updated_at"], summ_rows)
    del rec_rows
    timings["volunteers"] = time.perf_counter() - t
    print(f"volunteers: {counts}", flush=True)

    # ---- training courses -----------------------------------------------------------------------
    t = time.perf_counter()
    past_training = list(Activity.objects.filter(kind="training", status="published", start__lt=now)
                         .values_list("id", "title", "start", "end", "primary_host_id", "district_id"))
    course_rows, sess_rows, enr_rows, att_rows, out_rows = [], [], [], [], []
    for aid, title, start, end, host, _did in past_training:
        cid = len(course_rows) + 1
        staff = staff_by_org.get(host, [None])
        course_rows.append((cid, host, title, "辖区居民", aid, 75, staff[0], now_text, now_text))
        sessions = []
        for k in range(4):
            sid = len(sess_rows) + 1
            s0 = start - timedelta(days=7 * (3 - k))
            sess_rows.append((sid, cid, f"第{k + 1}课", s0.isoformat(), (s0 + (end - start)).isoformat()))
            sessions.append((sid, s0))
        base = rnd.randrange(n_res)
        for j in range(args.trainees_per_course + rnd.randint(-8, 8)):
            eid = len(enr_rows) + 1
            trainee = first_res + (base + j * 7919) % n_res
            present = [s for s in sessions if rnd.random() < 0.75]
            done = len(present) >= 3
            done_on = start.date() if done else None
            enr_rows.append((eid, cid, trainee, done, done_on, f"PX{cid:06d}{j:03d}" if done else None,
                             now_text, now_text))
            for sid, s0 in present:
                att_rows.append((len(att_rows) + 1, sid, eid, staff[0], s0.isoformat()))
            if done and rnd.random() < 0.2:
                kind = rnd.choices(["reemployed", "changed_job", "started_business", "none"], [5, 2, 1, 2])[0]
                out_rows.append((len(out_rows) + 1, eid, kind, start.date() + timedelta(days=rnd.randint(10, 90)),
                                 staff[0], now_text, now_text))
    copy_rows(TrainingCourse, ["id", "organization_id", "title", "audience", "activity_id", "completion_percent",
                               "created_by_id", "created_at", "updated_at"], course_rows)
    copy_rows(TrainingSession, ["id", "course_id", "topic", "start", "end"], sess_rows)
    copy_rows(Enrollment, ["id", "course_id", "trainee_id", "completed", "completed_on", "certificate_number",
                           "created_at", "updated_at"], enr_rows)
    copy_rows(SessionAttendance, ["id", "session_id", "enrollment_id", "recorded_by_id", "recorded_at"], att_rows)
    copy_rows(TrainingOutcome, ["id", "enrollment_id", "kind", "on", "recorded_by_id", "created_at", "updated_at"],
              out_rows)
    timings["training"] = time.perf_counter() - t
    print(f"training: {len(course_rows)} courses, {len(att_rows)} attendances", flush=True)

    # ---- plans with outcomes --------------------------------------------------------------------
    t = time.perf_counter()
    years = [today.year - k for k in range(args.years - 1, -1, -1)]
    plan_rows = []
    for oid, did, _kind in orgs:
        staff = staff_by_org.get(oid, [None])
        comms = communities_by_district.get(did, [None])
        for y in years:
            for k in range(args.plans_per_org_year):
                kind = rnd.choices(list(PLAN_TITLES), [30, 15, 25, 20, 10])[0]
                start = date(y, 1, 1) + timedelta(days=rnd.randrange(330))
                end = start + timedelta(days=rnd.randint(14, 120))
                finished = end < today
                status = "closed" if finished else ("published" if rnd.random() < 0.9 else "draft")
                o = {"trained": 0, "reemployed": 0, "businesses_started": 0, "jobs_created": 0, "people_served": 0}
                if status == "closed":
                    if kind == "training":
                        o["trained"] = rnd.randint(20, 200)
                        o["reemployed"] = rnd.randint(0, o["trained"] // 3)
                    elif kind == "entrepreneurship":
                        o["trained"] = rnd.randint(10, 60)
                        o["businesses_started"] = rnd.randint(1, 15)
                        o["jobs_created"] = o["businesses_started"] * rnd.randint(2, 8)
                    o["people_served"] = rnd.randint(50, 2000)
                plan_rows.append((len(plan_rows) + 1, did, oid, kind, rnd.choice(PLAN_TITLES[kind]) + f"({y}-{k + 1})",
                                  "完成年度目标任务", rnd.choice(comms) if k % 3 == 0 else None, start, end,
                                  rnd.randint(50, 500), status, o["trained"], o["reemployed"], o["businesses_started"],
                                  o["jobs_created"], o["people_served"], staff[0], now_text, now_text))
    copy_rows(Plan, ["id", "district_id", "organization_id", "kind", "title", "goal", "community_id", "start_date",
                     "end_date", "capacity", "status", "trained", "reemployed", "businesses_started", "jobs_created",
                     "people_served", "created_by_id", "created_at", "updated_at"], plan_rows)
    timings["plans"] = time.perf_counter() - t

    # ---- ledgers --------------------------------------------------------------------------------
    t = time.perf_counter()
    posts, cadres, budgets, offices = [], [], [], []
    for oid, _did, _kind in orgs:
        for name, kind, a in (("主席", "leadership", 1), ("副主席", "leadership", 3), ("机关干部", "established", 12),
                              ("事业编制", "established", 6), ("工勤", "established", 2)):
            posts.append((len(posts) + 1, oid, name, kind, a, max(0, a - rnd.randint(0, 2)), now_text, now_text))
        for k in range(20):
            kind = rnd.choices(["full_time", "part_time", "seconded"], [5, 10, 3])[0]
            start = today - timedelta(days=rnd.randint(30, 1500))
            end = None if rnd.random() < 0.7 else start + timedelta(days=rnd.randint(30, 700))
            cadres.append((len(cadres) + 1, oid, f"干部{oid}-{k + 1}", kind, "委员", "区直单位" if kind == "seconded" else "",
                           start, end, now_text, now_text))
        amount = rnd.randint(200, 2000) * 1000
        for y in years:
            budgets.append((len(budgets) + 1, oid, y, amount, "", now_text, now_text))
            amount = int(amount * rnd.uniform(0.95, 1.2))
        for k in range(2):
            offices.append((len(offices) + 1, oid, f"办公地址{oid}-{k + 1}", rnd.randint(60, 600), rnd.randint(2, 12),
                            now_text, now_text))
    copy_rows(Post, ["id", "organization_id", "name", "kind", "authorized", "filled", "created_at", "updated_at"], posts)
    copy_rows(Cadre, ["id", "organization_id", "name", "kind", "position", "from_unit", "start", "end", "created_at",
                      "updated_at"], cadres)
    copy_rows(Budget, ["id", "organization_id", "year", "amount", "note", "created_at", "updated_at"], budgets)
    copy_rows(OfficeSpace, ["id", "organization_id", "address", "area", "rooms", "created_at", "updated_at"], offices)
    media, trainings = [], []
    for did in districts:
        for y in years:
            for k in range(300):
                day = date(y, 1, 1) + timedelta(days=rnd.randrange(365))
                if day > today:
                    continue
                level = rnd.choices(["city", "provincial", "national"], [70, 25, 5])[0]
                media.append((len(media) + 1, did, rnd.choice(orgs_by_district[did]), f"群团服务走进社区({y}-{k + 1})",
                              rnd.choice(OUTLETS[level]), day, level, "", now_text, now_text))
            for k in range(40):
                day = date(y, 1, 1) + timedelta(days=rnd.randrange(365))
                if day > today:
                    continue
                trainings.append((len(trainings) + 1, did, rnd.choice(orgs_by_district[did]),
                                  f"群团干部能力提升培训({y}-{k + 1})", day, rnd.randint(1, 5), rnd.randint(20, 120),
                                  now_text, now_text))
    copy_rows(MediaReport, ["id", "district_id", "organization_id", "title", "outlet", "published_on", "level", "link",
                            "created_at", "updated_at"], media)
    copy_rows(CadreTraining, ["id", "district_id", "organization_id", "title", "start", "days", "trainees",
                              "created_at", "updated_at"], trainings)
    timings["ledgers"] = time.perf_counter() - t

    # ---- supervision ----------------------------------------------------------------------------
    t = time.perf_counter()
    items, assigns, reports = [], [], []
    for did in districts:
        for y in years:
            for k in range(args.items_per_district_year):
                created = date(y, 1, 1) + timedelta(days=rnd.randrange(300))
                if created > today:
                    continue
                due = created + timedelta(days=rnd.randint(30, 120))
                is_key = rnd.random() < 0.03
                iid = len(items) + 1
                items.append((iid, did, rnd.choice(ITEM_TITLES) + f"({y}-{k + 1})", "按要求推进并每月报送进展", is_key,
                              due, supervisors.get(did), f"{created.isoformat()} 09:00:00+08", now_text))
                for oid in rnd.sample(orgs_by_district[did], rnd.randint(2, 6)):
                    r = rnd.random()
                    done_on = None
                    if r < 0.85 and due - timedelta(days=20) <= today:
                        done_on = due - timedelta(days=rnd.randint(-10, 20)) if r < 0.8 else due + timedelta(days=5)
                        if done_on > today:
                            done_on = None
                    if is_key and done_on is not None and done_on > due:
                        done_on = due
                    aid = len(assigns) + 1
                    assigns.append((aid, iid, oid, due, "done" if done_on else "in_progress", done_on,
                                    f"{created.isoformat()} 09:00:00+08", now_text))
                    m = created.replace(day=1)
                    stop = min(done_on or today, due, today)
                    while m <= stop:
                        reports.append((len(reports) + 1, aid, m, "本月按计划推进", min(100, 30 * (len(reports) % 4 + 1)),
                                        rnd.choice(staff_by_org.get(oid, [None])), now_text, now_text))
                        m = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
    copy_rows(SupervisionItem, ["id", "district_id", "title", "description", "is_key", "due_date", "created_by_id",
                                "created_at", "updated_at"], items)
    copy_rows(Assignment, ["id", "item_id", "organization_id", "due_date", "status", "completed_on", "created_at",
                           "updated_at"], assigns)
    copy_rows(ProgressReport, ["id", "assignment_id", "month", "text", "percent", "reported_by_id", "created_at",
                               "updated_at"], reports)
    timings["supervision"] = time.perf_counter() - t

    # ---- indicators -----------------------------------------------------------------------------
    from quntuan.assessment.models import Source

    org_ind = [("诉求三率", Source.THREE_RATES, 20, None), ("诉求响应率", Source.RESPONSE_RATE, 5, None),
               ("诉求解决率", Source.RESOLUTION_RATE, 5, None), ("诉求满意率", Source.SATISFACTION_RATE, 5, None),
               ("活动开展", Source.ACTIVITIES, 10, 100), ("活动参与", Source.PERSON_TIMES, 10, 3000),
               ("志愿服务时长", Source.VOLUNTEER_HOURS, 10, 5000), ("督查事项按期完成", Source.SUPERVISION_ON_TIME, 10, None),
               ("工作站覆盖", Source.COVERAGE, 5, None)]
    plan_source = getattr(Source, "PLAN_OUTCOMES", None)
    if plan_source is not None:
        org_ind.append(("计划成效", plan_source, 10, 2000))
    org_ind += [("党建带群建", Source.MANUAL, 5, None), ("群众满意度测评", Source.MANUAL, 5, None)]
    street_ind = [("活动开展", Source.ACTIVITIES, 30, 200), ("活动参与", Source.PERSON_TIMES, 30, 5000),
                  ("工作站覆盖", Source.COVERAGE, 20, None), ("诉求办结率", Source.RESOLUTION_RATE, 20, None)]
    inds, scores, vetoes = [], [], []
    for did in districts:
        for y in years:
            for scope, spec, targets in (("organization", org_ind, orgs_by_district[did]),
                                         ("street", street_ind, streets_by_district.get(did, []))):
                for order, (name, source, weight, target) in enumerate(spec):
                    iid = len(inds) + 1
                    inds.append((iid, did, y, scope, name, str(source), weight, target, order, now_text, now_text))
                    if source == Source.MANUAL:
                        for tid in targets:
                            scores.append((len(scores) + 1, iid, tid if scope == "organization" else None,
                                           tid if scope == "street" else None, rnd.randint(60, 100), "年度测评结果",
                                           supervisors.get(did), now_text, now_text))
            oid = rnd.choice(orgs_by_district[did])
            if rnd.random() < 0.3:
                vetoes.append((len(vetoes) + 1, did, y, oid, "major_incident", "发生重大安全事件", supervisors.get(did),
                               False, now_text, now_text))
    copy_rows(Indicator, ["id", "district_id", "year", "scope", "name", "source", "weight", "target", "order",
                          "created_at", "updated_at"], inds)
    copy_rows(ManualScore, ["id", "indicator_id", "organization_id", "street_id", "score", "evidence", "scored_by_id",
                            "created_at", "updated_at"], scores)
    copy_rows(VetoFlag, ["id", "district_id", "year", "organization_id", "kind", "reason", "flagged_by_id",
                         "withdrawn", "created_at", "updated_at"], vetoes)

    for model in models:
        table = model._meta.db_table
        conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - model tables
                     f"COALESCE((SELECT max(id) FROM \"{table}\"), 0) + 1, false)")
        conn.execute(f'ANALYZE "{table}"')
    # Rollups over the new rows (a no-op when the project has none).
    try:
        from quntuan.assessment.rollups import rebuild_all
    except ImportError:
        rebuild_all = None
    if rebuild_all is not None:
        t = time.perf_counter()
        rebuild_all()
        timings["rollups"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_all
    conn.close()
    manifest = {"generated_at": now.isoformat(), "rows": counts,
                "timings_s": {k: round(v, 2) for k, v in timings.items()}}
    OUT.mkdir(parents=True, exist_ok=True)
    name = url.rsplit("/", 1)[-1]
    (OUT / f"assessment-{name}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
