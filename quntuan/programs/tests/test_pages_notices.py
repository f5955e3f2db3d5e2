"""Notice pages: compose, the confirm step with the audience count, publish, progress and the
per-notice figures; a notice with no audience is refused with a Chinese message."""

import re
from datetime import date, time

import pytest

from quntuan.core.testing import make_resident
from quntuan.programs import services
from quntuan.programs.models import Notice, NoticeDelivery, ProgramRules
from quntuan.programs.tests.conftest import resident_with

UNEMPLOYED = {"all": [{"attr": "employment_status", "op": "in", "value": ["unemployed"]}]}


@pytest.fixture(autouse=True)
def no_quiet_hours(world):
    """Pages publish at the real time of day; without quiet hours the fan-out never waits."""
    ProgramRules.objects.create(district=world["district"], quiet_start=time(0), quiet_end=time(0))


def _group(world, criteria=UNEMPLOYED):
    return services.target_group_save(actor=world["union_staff"], organization=world["union"], name="失业人员",
                                      criteria=criteria)


def _compose(world, group, **extra):
    return {"organization": world["union"].pk, "title": "免费育婴师培训", "body": "区总工会开设育婴师培训,名额 30 人。",
            "purpose": "employment", "target_group": group.pk, "channels": ["inbox"], **extra}


def test_compose_confirm_publish_and_follow_progress(client, world, django_capture_on_commit_callbacks):
    resident_with(world, employment_status="unemployed")
    resident_with(world, community=world["b"], employment_status="unemployed")
    resident_with(world, consent=(), employment_status="unemployed")  # no consent: not counted
    group = _group(world)
    client.force_login(world["union_staff"])
    response = client.post("/programs/notices/new/", _compose(world, group))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/notices/{notice.pk}/publish/"
    assert (notice.status, notice.criteria, notice.channels) == ("draft", UNEMPLOYED, ["inbox"])

    confirm = client.get(f"/programs/notices/{notice.pk}/publish/").content.decode()
    assert 'data-total="2"' in confirm
    assert "确认发布给 2 位居民" in confirm
    assert "<td>幸福社区</td><td class=\"num\">1</td>" in confirm
    assert NoticeDelivery.objects.count() == 0  # nothing sent before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/programs/notices/{notice.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/programs/notices/{notice.pk}/manage/"
    notice.refresh_from_db()
    assert (notice.status, notice.audience_size) == ("done", 2)
    assert NoticeDelivery.objects.filter(notice=notice, status="sent").count() == 2
    manage = client.get(f"/programs/notices/{notice.pk}/manage/").content.decode()
    assert 'aria-valuenow="100"' in manage and "hx-trigger" not in manage
    listing = re.sub(r">\s+<", "><", client.get("/programs/notices/").content.decode())
    assert "免费育婴师培训" in listing
    assert '<td class="num">2</td><td class="num">2</td><td class="num">0</td><td class="num">0</td>' in listing
    # publishing again is refused (the page shows the figures instead)
    assert client.get(f"/programs/notices/{notice.pk}/publish/").status_code == 302


def test_a_notice_with_no_audience_is_refused(client, world):
    resident_with(world, consent=(), employment_status="unemployed")
    group = _group(world)
    client.force_login(world["union_staff"])
    client.post("/programs/notices/new/", _compose(world, group))
    notice = Notice.objects.get()
    confirm = client.get(f"/programs/notices/{notice.pk}/publish/")
    assert confirm.status_code == 400
    assert "没有符合条件且同意接收此类推送的居民,无法发布。" in confirm.content.decode()
    assert "确认发布给" not in confirm.content.decode()
    response = client.post(f"/programs/notices/{notice.pk}/publish/")
    assert response.status_code == 400
    assert "没有符合条件且同意接收此类推送的居民,无法发布。" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_compose_needs_a_group_and_one_sign_up_target(client, world):
    client.force_login(world["union_staff"])
    response = client.post("/programs/notices/new/", _compose(world, _group(world), target_group=""))
    assert response.status_code == 400
    assert "目标人群" in response.content.decode()
    response = client.post("/programs/notices/new/", _compose(world, _group(world), channels=[]))
    assert response.status_code == 400
    assert not Notice.objects.exists()


def test_other_organizations_and_residents_cannot_manage_a_notice(client, world):
    resident_with(world, employment_status="unemployed")
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="培训", body="报名",
                                    purpose="employment", criteria=UNEMPLOYED)
    client.force_login(world["women_staff"])
    for url in (f"/programs/notices/{notice.pk}/manage/", f"/programs/notices/{notice.pk}/publish/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/programs/notices/{notice.pk}/publish/").status_code == 404
    assert "培训" not in client.get("/programs/notices/").content.decode()
    client.force_login(make_resident(world["district"]))
    assert client.get(f"/programs/notices/{notice.pk}/manage/").status_code == 403
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_resident_opens_and_unsubscribes_from_the_notice_page(client, world, django_capture_on_commit_callbacks):
    resident = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="培训", body="报名",
                                    purpose="employment", criteria=UNEMPLOYED)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_publish(actor=world["union_staff"], notice=notice)
    client.force_login(resident)
    page = client.get(f"/programs/notices/{notice.pk}/").content.decode()
    assert "不再接收“就业培训”类推送" in page
    assert NoticeDelivery.objects.get(notice=notice).opened_at is not None
    client.post(f"/programs/notices/{notice.pk}/", {"action": "unsubscribe"})
    assert services.profile_for(resident).consent_employment is False
    assert "您已退订“就业培训”类推送。" in client.get(f"/programs/notices/{notice.pk}/").content.decode()
