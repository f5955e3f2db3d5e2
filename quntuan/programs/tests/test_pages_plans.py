"""Staff pages for plans: create, edit (only the owning organization), outcomes, board filters."""

from datetime import date

import pytest

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus
from quntuan.core.testing import make_resident, make_service
from quntuan.programs import services
from quntuan.programs.models import Plan


def _plan(world, org="union", **extra):
    data = {"title": "职工技能提升计划", "goal": "培训 200 名失业职工", "start_date": date(2026, 3, 1),
            "end_date": date(2026, 6, 30), "kind": Plan.Kind.TRAINING, **extra}
    return services.plan_create(actor=world[f"{org}_staff"], organization=world[org], data=services.PlanInput(**data))


def _form(world, **extra):
    return {"organization": world["union"].pk, "kind": "training", "title": "育婴师培训计划", "goal": "培训 60 名失业妇女",
            "audience": "women", "community": world["a"].pk, "start_date": "2026-03-01", "end_date": "2026-05-31",
            "capacity": "60", "budget_line": "职工教育经费", "contact_name": "王老师", "contact_phone": "0571-1234",
            **extra}


def test_staff_create_a_plan_with_its_activities_and_services(client, world):
    service = make_service(world["union"], name="职工技能培训补贴")
    activity = Activity.objects.create(district=world["district"], primary_host=world["union"], title="育婴师培训第一期",
                                       kind=ActivityKind.TRAINING, start="2026-03-10T09:00+08:00",
                                       end="2026-03-10T11:00+08:00", capacity=30, status=ActivityStatus.PUBLISHED)
    activity.hosts.add(world["union"])
    client.force_login(world["union_staff"])
    page = client.get("/programs/plans/new/")
    assert page.status_code == 200
    assert "育婴师培训第一期" in page.content.decode() and "职工技能培训补贴" in page.content.decode()
    response = client.post("/programs/plans/new/", _form(world, activities=[activity.pk], services=[service.pk]))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/plans/{plan.pk}/"
    assert (plan.title, plan.organization, plan.audience, plan.community, plan.capacity) == (
        "育婴师培训计划", world["union"], "women", world["a"], 60)
    assert list(plan.activities.all()) == [activity] and list(plan.services.all()) == [service]
    detail = client.get(f"/programs/plans/{plan.pk}/").content.decode()
    assert f'href="/activities/{activity.pk}/"' in detail
    assert f'href="/catalog/service/{service.pk}/"' in detail
    assert "修改计划" in detail and "填报成效" in detail


def test_bad_plan_input_is_a_400_with_a_chinese_message(client, world):
    client.force_login(world["union_staff"])
    response = client.post("/programs/plans/new/", _form(world, start_date="2026-06-01", end_date="2026-05-01"))
    assert response.status_code == 400
    assert "结束日期不能早于开始日期。" in response.content.decode()
    assert not Plan.objects.exists()


def test_only_the_owning_organization_edits_the_plan_page(client, world):
    plan = _plan(world)
    client.force_login(world["women_staff"])
    detail = client.get(f"/programs/plans/{plan.pk}/").content.decode()
    assert "修改计划" not in detail and "转介群众到此计划" in detail
    for url in (f"/programs/plans/{plan.pk}/edit/", f"/programs/plans/{plan.pk}/outcomes/"):
        assert client.get(url).status_code == 403
    response = client.post(f"/programs/plans/{plan.pk}/edit/", _form(world, title="被改掉"))
    assert response.status_code == 403
    assert "只有发布该计划的组织可以修改它。" in response.content.decode()
    response = client.post(f"/programs/plans/{plan.pk}/outcomes/", {"trained": 5, "reemployed": 0,
                                                                   "businesses_started": 0, "jobs_created": 0,
                                                                   "people_served": 0})
    assert "只有发布该计划的组织可以填报成效。" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.title, plan.trained) == ("职工技能提升计划", 0)

    client.force_login(world["union_staff"])
    response = client.post(f"/programs/plans/{plan.pk}/edit/", _form(world, title="职工技能提升计划(第二期)",
                                                                    organization=world["women"].pk))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.organization) == ("职工技能提升计划(第二期)", world["union"])


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_plan_pages_are_for_staff(client, world, who):
    plan = _plan(world)
    if who == "resident":
        client.force_login(make_resident(world["district"]))
    for url in ("/programs/", "/programs/plans/new/", f"/programs/plans/{plan.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_outcomes_are_recorded_on_the_plan(client, world):
    plan = _plan(world)
    client.force_login(world["union_staff"])
    bad = client.post(f"/programs/plans/{plan.pk}/outcomes/", {"trained": -1, "reemployed": 0,
                                                              "businesses_started": 0, "jobs_created": 0,
                                                              "people_served": 0})
    assert bad.status_code == 400
    response = client.post(f"/programs/plans/{plan.pk}/outcomes/", {"trained": 120, "reemployed": 45,
                                                                   "businesses_started": 6, "jobs_created": 18,
                                                                   "people_served": 300})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.trained, plan.reemployed, plan.businesses_started, plan.jobs_created, plan.people_served) == (
        120, 45, 6, 18, 300)


def test_board_filters_by_organization_audience_period_and_community(client, world):
    _plan(world, title="职工技能提升计划", audience="workers", start_date=date(2026, 3, 1), end_date=date(2026, 4, 30))
    _plan(world, org="women", title="巾帼创业行动", audience="women", community=world["a"],
          start_date=date(2026, 5, 1), end_date=date(2026, 8, 31))
    client.force_login(world["women_staff"])

    def titles(query):
        html = client.get(f"/programs/?{query}").content.decode()
        return [t for t in ("职工技能提升计划", "巾帼创业行动") if f">{t}</a>" in html]

    assert titles("") == ["职工技能提升计划", "巾帼创业行动"]
    assert titles(f"org={world['union'].pk}") == ["职工技能提升计划"]
    assert titles("audience=women") == ["巾帼创业行动"]
    assert titles("period=2026-04") == ["职工技能提升计划"]
    assert titles("period=2026-07") == ["巾帼创业行动"]
    assert titles(f"community={world['a'].pk}") == ["巾帼创业行动"]
    assert titles(f"community={world['b'].pk}") == []
    assert titles("period=garbage&audience=nonsense") == ["职工技能提升计划", "巾帼创业行动"]
    # from the board, another organization's plan offers a comment / co-host and a referral
    html = client.get("/programs/").content.decode()
    union_plan = Plan.objects.get(title="职工技能提升计划")
    women_plan = Plan.objects.get(title="巾帼创业行动")
    assert f'href="/programs/referrals/new/?plan={union_plan.pk}"' in html
    assert f'href="/programs/plans/{union_plan.pk}/#comments"' in html
    assert f'href="/programs/referrals/new/?plan={women_plan.pk}"' not in html  # its own plan
