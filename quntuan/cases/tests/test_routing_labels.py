# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""The learning loop: a category a staff member confirms (at intake) or corrects (at transfer) is
kept as a routing label in the same transaction and becomes training data; retraining and
rollback are audited; the supervisor and the platform administrator see versions and roll back."""

import json

import pytest

from quntuan.accounts.models import AuditRecord
from quntuan.cases.models import Case, Channel
from quntuan.cases.services import case_reply_and_close, case_transfer
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
from quntuan.core.exceptions import ApplicationError
from quntuan.core.testing import make_category
from quntuan.routing import services as routing
from quntuan.routing.models import RoutingLabel, RoutingModel

GOOD = [
    ("公司拖欠工资三个月", "union.legal"), ("老板欠薪不给", "union.legal"), ("工地包工头跑了工钱没结", "union.legal"),
    ("想预约科普讲座", "science.popular"), ("科技馆参观预约", "science.popular"), ("科普日活动报名", "science.popular"),
] * 3


@pytest.fixture(autouse=True)
def _fresh_cache():
    routing.reset_cache()
    yield
    routing.reset_cache()


@pytest.fixture
def legal(world):
    return make_category("union.legal", "职工法律援助")


@pytest.fixture
def women_rights(world):
    return make_category("women.rights", "妇女维权")


def test_staff_intake_records_the_confirmed_category(world, legal):
    case = world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff, category="union.legal")
    label = RoutingLabel.objects.get(case=case)
    assert (label.category, label.actor, label.source) == (legal, world.union_staff, "intake")


def test_resident_submission_is_not_a_label(world, legal):
    world.submit(category="union.legal")
    assert not RoutingLabel.objects.exists()


def test_transfer_with_a_corrected_category_changes_it_and_records_a_label(world, case, legal, women_rights):
    case.category = legal
    case.save(update_fields=["category"])
    case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属于妇女维权事项",
                  category="women.rights")
    case.refresh_from_db()
    assert case.category == women_rights
    label = RoutingLabel.objects.get(case=case)
    assert (label.category, label.actor, label.source) == (women_rights, world.union_receiver, "corrected")


def test_transfer_with_unknown_category_is_refused_and_changes_nothing(world, case):
    with pytest.raises(ApplicationError, match="所选服务类别不存在"):
        case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="转办", category="nope.x")
    assert not RoutingLabel.objects.exists()
    assert Case.objects.get(pk=case.pk).status == case.status


def test_confirmed_examples_use_labels_and_closed_cases(world, legal, women_rights):
    labelled = world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff,
                            category="union.legal", title="标注的诉求")
    corrected = world.submit(title="更正的诉求", category="union.legal")
    case_transfer(case=corrected, actor=world.union_receiver, to_org=world.women, reason="妇女维权",
                  category="women.rights")
    closed = world.submit(title="办结的诉求", category="union.legal")
    case_reply_and_close(case=closed, actor=world.union_receiver, result="已协调公司补发工资。")
    world.submit(title="未确认的诉求", category="union.legal")  # open, no label: not training data
    examples = dict(routing._confirmed_examples())
    assert examples == {f"标注的诉求。{labelled.content}": "union.legal",
                        f"更正的诉求。{corrected.content}": "women.rights",
                        f"办结的诉求。{closed.content}": "union.legal"}


def test_confirmed_examples_are_the_newest_cases(world, legal, women_rights):
    older = world.submit(title="较早办结的诉求", category="union.legal")
    case_reply_and_close(case=older, actor=world.union_receiver, result="已答复。")
    newer = world.submit(title="较新办结的诉求", category="union.legal")
    case_reply_and_close(case=newer, actor=world.union_receiver, result="已答复。")
    corrected = world.submit(title="最新更正的诉求", category="union.legal")
    case_transfer(case=corrected, actor=world.union_receiver, to_org=world.women, reason="妇女维权",
                  category="women.rights")
    assert routing._confirmed_examples(limit=2) == [(f"较新办结的诉求。{newer.content}", "union.legal"),
                                                   (f"最新更正的诉求。{corrected.content}", "women.rights")]
    assert len(routing._confirmed_examples()) == 3


@pytest.mark.usefixtures("lean_router")
def test_retrain_and_rollback_are_audited(world):
    routing.routing_retrain(actor=world.admin, examples=GOOD)
    routing.routing_retrain(actor=world.admin, examples=GOOD, force=True)
    routing.routing_activate(actor=world.supervisor, version=1)
    rows = list(AuditRecord.objects.filter(action__startswith="routing.").order_by("id")
                .values_list("action", "actor", "object_id"))
    assert rows == [("routing.retrain", world.admin.pk, "1"), ("routing.retrain", world.admin.pk, "2"),
                    ("routing.activate", world.supervisor.pk, "1")]
    assert AuditRecord.objects.filter(action="routing.activate").get().detail == {"previous": 2}


@pytest.mark.parametrize("who", ["supervisor", "admin"])
@pytest.mark.usefixtures("lean_router")
def test_managers_list_versions_and_roll_back(client, world, who):
    routing.routing_retrain(examples=GOOD)
    routing.routing_retrain(examples=GOOD, force=True)
    client.force_login(getattr(world, who))
    listed = client.get("/api/routing/models")
    assert listed.status_code == 200
    assert [(r["version"], r["is_active"]) for r in listed.json()] == [(2, True), (1, False)]
    assert "payload" not in listed.json()[0]
    rolled = client.post("/api/routing/models/1/activate", data=json.dumps({}), content_type="application/json")
    assert rolled.status_code == 200
    assert rolled.json()["is_active"] is True
    assert RoutingModel.objects.get(is_active=True).version == 1
    assert AuditRecord.objects.filter(action="routing.activate", actor=getattr(world, who)).exists()
    missing = client.post("/api/routing/models/9/activate", data="{}", content_type="application/json")
    assert missing.status_code == 404
    assert "没有这个版本的分派模型" in missing.json()["message"]


@pytest.mark.parametrize("who", ["union_staff", "union_leader", "auditor", "resident", None])
@pytest.mark.usefixtures("lean_router")
def test_others_may_not_see_or_roll_back(client, world, who):
    routing.routing_retrain(examples=GOOD)
    routing.routing_retrain(examples=GOOD, force=True)
    if who:
        client.force_login(getattr(world, who))
    assert client.get("/api/routing/models").status_code in (401, 403)
    response = client.post("/api/routing/models/1/activate", data="{}", content_type="application/json")
    assert response.status_code in (401, 403)
    assert RoutingModel.objects.get(is_active=True).version == 2


@pytest.mark.usefixtures("lean_router")
def test_models_page_lists_versions_and_rolls_back(client, world):
    routing.routing_retrain(examples=GOOD)
    routing.routing_retrain(examples=GOOD, force=True)
    client.force_login(world.supervisor)
    page = client.get("/routing/models/").content.decode()
    assert "分派模型版本" in page and "v2" in page and "v1" in page
    assert 'action="/routing/models/1/activate/"' in page
    response = client.post("/routing/models/1/activate/")
    assert response.status_code == 302
    assert RoutingModel.objects.get(is_active=True).version == 1
    assert "已启用分派模型 v1。" in client.get("/routing/models/").content.decode()
    assert AuditRecord.objects.filter(action="routing.activate", actor=world.supervisor).exists()


@pytest.mark.parametrize("who", ["union_staff", "auditor"])
@pytest.mark.usefixtures("lean_router")
def test_models_page_refused_to_others(client, world, who):
    routing.routing_retrain(examples=GOOD)
    routing.routing_retrain(examples=GOOD, force=True)
    client.force_login(getattr(world, who))
    assert client.get("/routing/models/").status_code == 403
    assert client.post("/routing/models/1/activate/").status_code == 403
    assert RoutingModel.objects.get(is_active=True).version == 2


@pytest.mark.usefixtures("lean_router")
def test_retrain_without_held_out_examples_keeps_the_active_model(world):
    routing.routing_retrain(examples=GOOD)
    row = routing.routing_retrain(examples=[])  # e.g. the nightly task before any case is confirmed
    assert row.is_active is False
    assert row.note == "留存未启用:留出集为空,无法比较"
    assert RoutingModel.objects.get(is_active=True).version == 1


# ---- intake: the first suggestion accepted, another category chosen, or none shown -----------------

@pytest.mark.parametrize(("suggested", "source"), [
    ("union.legal", "accepted"), ("women.rights", "overridden"), (None, "intake"), ("", "intake"),
    ("no.such", "intake"),
])
def test_staff_intake_records_how_the_category_relates_to_the_suggestion(world, legal, women_rights,
                                                                         suggested, source):
    case = world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff,
                        category="union.legal", suggested=suggested)
    label = RoutingLabel.objects.get(case=case)
    expected = {"union.legal": legal, "women.rights": women_rights}.get(suggested or "")
    assert (label.category, label.source, label.suggested) == (legal, source, expected)


def test_label_counts_by_source(world, legal, women_rights, case):
    world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff, category="union.legal",
                 suggested="union.legal", title="采纳")
    world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff, category="union.legal",
                 suggested="women.rights", title="改选")
    world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff, category="union.legal",
                 title="无建议")
    case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="妇女维权", category="women.rights")
    assert routing.routing_label_counts() == {"intake": 1, "accepted": 1, "overridden": 1, "corrected": 1,
                                              "transfer": 0}


def _intake_form(world, **overrides):
    membership = world.union_staff.memberships.get()
    data = {"channel": Channel.PHONE, "received_org": str(membership.pk), "requester_name": "赵六",
            "requester_mobile": "13600003333", "service": "", "title": "来电反映欠薪",
            "content": "来电称工地拖欠工资两个月。", "community": str(world.community.pk), "missing_materials": "",
            "idempotency_key": "c" * 32}
    data.update(overrides)
    return data


def test_suggestion_box_carries_the_first_suggestion(client, world, legal):
    client.force_login(world.union_staff)
    page = client.post("/cases/new/suggest/", {"title": "", "content": "老板三个月没发工资了,想讨回欠薪"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert '<input type="hidden" name="suggested" value="union.legal">' in page
    empty = client.post("/cases/new/suggest/", {"title": "", "content": "😀😀"}, HTTP_HX_REQUEST="true")
    assert '<input type="hidden" name="suggested" value="">' in empty.content.decode()


@pytest.mark.parametrize(("suggested", "source"), [("union.legal", "accepted"), ("women.rights", "overridden"),
                                                   ("", "intake")])
def test_intake_page_records_accepted_or_overridden(client, world, legal, women_rights, suggested, source):
    client.force_login(world.union_staff)
    response = client.post("/cases/intake/", _intake_form(world, category="union.legal", suggested=suggested))
    assert response.status_code == 302
    label = RoutingLabel.objects.get(case=Case.objects.get())
    assert (label.category.code, label.source, label.actor) == ("union.legal", source, world.union_staff)


def test_intake_page_keeps_the_suggestion_when_sent_back(client, world, legal):
    client.force_login(world.union_staff)
    response = client.post("/cases/intake/", _intake_form(world, requester_mobile="136", category="union.legal",
                                                          suggested="union.legal"))
    assert response.status_code == 400
    assert '<input type="hidden" name="suggested" value="union.legal">' in response.content.decode()
    assert not RoutingLabel.objects.exists()


def test_models_page_counts_labels_by_source(client, world, legal, women_rights):
    for category, source in [(legal, "accepted"), (legal, "accepted"), (legal, "accepted"),
                             (women_rights, "overridden"), (legal, "corrected")]:
        case = world.submit(channel=Channel.PHONE, requester=None, received_by=world.union_staff)
        routing.routing_label_record(actor=world.union_staff, case=case, category=category, source=source,
                                     suggested=legal)
    client.force_login(world.supervisor)
    page = client.get("/routing/models/").content.decode()
    assert "受理登记时采纳首选建议:<strong>3</strong>" in page
    assert "受理登记时改选其他类别:<strong>1</strong>" in page
    assert "转办时更正类别:<strong>1</strong>" in page
    assert "75% 采纳了首选建议" in page


def test_transfer_with_another_organizations_category_is_refused(world, case, legal):
    with pytest.raises(ApplicationError, match="不属于接收单位"):
        case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="转办", category="union.legal")
    case.refresh_from_db()
    assert case.status != "transferring" and not RoutingLabel.objects.filter(case=case).exists()
