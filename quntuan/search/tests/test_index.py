"""The index follows its sources (create, update, delete, on commit; the reindex command and the
periodic refresh), and the search ranks, highlights, pages, filters and matches pinyin."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus
from quntuan.catalog.models import Service
from quntuan.core.testing import make_org, make_service
from quntuan.programs.models import Plan
from quntuan.search.models import DocumentKind, SearchDocument
from quntuan.search.queries import search
from quntuan.search.services import index_refresh


def titles(user, query, **kwargs):
    return [h.title.replace("<mark>", "").replace("</mark>", "") for h in search(user=user, query=query, **kwargs).hits]


def doc(kind, pk):
    return SearchDocument.objects.filter(kind=kind, object_id=pk).first()


def test_service_created_updated_deactivated_deleted(world, fresh):
    with fresh():
        service = make_service(world.union, name="新就业形态劳动者入会")
    assert doc("service", service.pk).title == "新就业形态劳动者入会"
    assert titles(AnonymousUser(), "入会") == ["新就业形态劳动者入会"]

    with fresh():
        service.name = "快递小哥入会服务"
        service.save()
    assert titles(AnonymousUser(), "快递") == ["快递小哥入会服务"]
    assert titles(AnonymousUser(), "新就业形态") == []

    with fresh():
        service.is_active = False
        service.save()
    assert doc("service", service.pk) is None
    assert titles(AnonymousUser(), "快递") == []

    with fresh():
        service.is_active = True
        service.save()
    with fresh():
        Service.objects.filter(pk=service.pk).delete()
    assert doc("service", service.pk) is None


def test_case_updated_and_deleted(world, fresh):
    with fresh():
        case = world.submit(title="楼道堆物", content="楼道里堆满杂物。")
    assert titles(world.union_staff, "堆物", kind="case") == ["楼道堆物"]
    with fresh():
        case.title = "楼道堆物堵塞消防通道"
        case.save()
    assert titles(world.union_staff, "消防通道", kind="case") == ["楼道堆物堵塞消防通道"]
    with fresh():
        case.delete()
    assert doc("case", case.pk) is None


def _activity(world, **fields):
    start = timezone.now() + timedelta(days=3)
    values = dict(district=world.district, primary_host=world.youth, kind=ActivityKind.values[0],
                  title="青年读书会", description="每月一次的读书分享", start=start, end=start + timedelta(hours=2),
                  capacity=30, status=ActivityStatus.PUBLISHED)
    values.update(fields)
    return Activity.objects.create(**values)


def test_activities_drafts_only_for_district_staff(world, fresh):
    with fresh():
        published = _activity(world)
        draft = _activity(world, title="青年读书会筹备", status=ActivityStatus.DRAFT)
    assert titles(AnonymousUser(), "读书会") == ["青年读书会"]
    assert titles(world.resident, "读书会") == ["青年读书会"]
    assert sorted(titles(world.women_staff, "读书会")) == ["青年读书会", "青年读书会筹备"]
    assert titles(world.other_supervisor, "读书会") == ["青年读书会"]
    with fresh():
        draft.status = ActivityStatus.PUBLISHED
        draft.save()
    assert sorted(titles(world.resident, "读书会")) == ["青年读书会", "青年读书会筹备"]
    assert published.pk != draft.pk


def test_plans_for_district_staff_and_published_for_residents(world, fresh):
    with fresh():
        Plan.objects.create(district=world.district, organization=world.women, title="巾帼家政培训计划",
                            goal="培训家政服务员", start_date=date(2026, 12, 1), end_date=date(2026, 12, 31),
                            status=Plan.Status.PUBLISHED)
        Plan.objects.create(district=world.district, organization=world.women, title="家政培训二期(草稿)",
                            goal="培训家政服务员", start_date=date(2027, 1, 1), end_date=date(2027, 1, 31),
                            status=Plan.Status.DRAFT)
    assert sorted(titles(world.youth_staff, "家政")) == ["家政培训二期(草稿)", "巾帼家政培训计划"]
    assert titles(world.resident, "家政") == ["巾帼家政培训计划"]
    assert titles(AnonymousUser(), "家政") == []
    assert titles(world.other_supervisor, "家政") == []


def test_title_match_ranks_above_body_match(world, fresh):
    with fresh():
        body = make_service(world.women, name="妇女儿童维权")
        body.description = "涉及家庭暴力、婚姻家庭纠纷的咨询。"
        body.save()
        title = make_service(world.women, name="家庭暴力求助")
    assert titles(AnonymousUser(), "家庭暴力") == ["家庭暴力求助", "妇女儿童维权"]
    assert title.pk != body.pk


def test_snippet_highlights_and_escapes(world, fresh):
    with fresh():
        service = make_service(world.union, name="劳动争议调解")
        service.description = "<b>不要</b>拖欠工资,欠薪请找工会 & 律师。"
        service.save()
    hit = search(user=AnonymousUser(), query="律师").hits[0]
    assert hit.object_id == service.pk
    assert str(hit.snippet) == "区总工会服务\n&lt;b&gt;不要&lt;/b&gt;拖欠工资,欠薪请找工会 &amp; <mark>律师</mark>。"
    assert "<b>" not in str(hit.snippet)
    assert "&amp;" in str(hit.snippet)


def test_pinyin_finds_organization_names(world):
    # The world's union service (职工欠薪维权, 区总工会).
    for query in ("zgh", "zonggonghui", "ZGH", "quzonggonghui"):
        assert titles(AnonymousUser(), query) == ["职工欠薪维权"], query
    assert titles(AnonymousUser(), "zzz") == []


def test_pages_and_kind_filter(world, fresh):
    with fresh():
        science = make_org(world.district, "science")
        for n in range(25):
            make_service(science, name=f"科普讲座第{n + 1}场")
    first = search(user=AnonymousUser(), query="科普讲座", page_size=20)
    assert (first.total, first.pages, first.page, len(first.hits)) == (25, 2, 1, 20)
    second = search(user=AnonymousUser(), query="科普讲座", page=2, page_size=20)
    assert len(second.hits) == 5
    assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}
    beyond = search(user=AnonymousUser(), query="科普讲座", page=99, page_size=20)
    assert beyond.page == 2
    only_activities = search(user=AnonymousUser(), query="科普讲座", kind="activity")
    assert only_activities.total == 0
    assert {c.kind: c.count for c in only_activities.counts} == {"service": 25, "activity": 0, "plan": 0}


def test_any_token_when_not_all_match(world):
    result = search(user=AnonymousUser(), query="欠薪 火星")
    assert result.mode == "any"
    assert [h.object_id for h in result.hits] == [world.service.pk]
    assert result.notices == ["没有同时包含所有关键词的结果,下面是包含部分关键词的结果。"]


def test_reindex_command_rebuilds_and_prunes(world, fresh):
    with fresh():
        case = world.submit(title="噪音扰民", content="夜间施工噪音。")
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(kind=DocumentKind.CASE, object_id=case.pk + 1000, title="孤儿", sort_at=timezone.now())
    call_command("search_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert doc("case", case.pk + 1000) is None
    assert doc("case", case.pk).title == "噪音扰民"
    assert doc("service", world.service.pk).title == "职工欠薪维权"
    assert titles(world.union_staff, "噪音", kind="case") == ["噪音扰民"]


def test_periodic_refresh_catches_bulk_updates(world, fresh):
    with fresh():
        case = world.submit(title="小区停车难", content="车位不够。")
    from quntuan.cases.models import Case

    Case.objects.filter(pk=case.pk).update(title="小区充电桩", updated_at=timezone.now() + timedelta(seconds=5))
    assert titles(world.union_staff, "充电桩", kind="case") == []
    counts = index_refresh()
    assert counts["case"] == 1
    assert titles(world.union_staff, "充电桩", kind="case") == ["小区充电桩"]


@pytest.mark.parametrize("query", ["", "🙂🙂", "!!!", "欠" * 20_000, '"', "*", "NEAR", "-", ":", "')--", "a:*", "\x00"])
def test_bad_queries_answer_without_error(world, query):
    result = search(user=world.union_staff, query=query)
    assert result.hits == [] or query == "欠" * 20_000
    if query.strip(" \x00") == "" or query in ("🙂🙂", "!!!"):
        assert result.notices


def test_tracking_number_finds_the_case(world, fresh):
    with fresh():
        case = world.submit(title="路灯不亮", content="小区路灯坏了。")
        world.submit(title="路灯闪烁", content="路灯一直闪。")
    assert titles(world.union_staff, case.tracking_no) == ["路灯不亮"]
    assert titles(world.union_staff, case.tracking_no.lower()) == ["路灯不亮"]


def test_requester_name_is_neither_indexed_nor_shown(world, fresh):
    with fresh():
        case = world.submit(title="楼道灯坏了", content="楼道灯坏了一个月。", requester_name="贺丹丹")
    assert "贺丹丹" not in doc("case", case.pk).body
    assert titles(world.union_staff, "贺丹丹", kind="case") == []
    hits = search(user=world.union_staff, query="楼道灯", kind="case").hits
    assert hits and all("贺丹丹" not in (h.snippet + h.title) for h in hits)


def test_a_single_character_gets_a_hint(world):
    result = search(user=world.union_staff, query="吖")
    assert not result.hits and any("请输入一个词" in n for n in result.notices)


def test_documents_are_written_in_the_site_language(world, fresh):
    from django.utils import translation

    with translation.override("en"), fresh():  # a staff member using the English pages saves it
        case = world.submit(title="楼道堆物", content="楼道里堆满杂物。")
    meta = doc("case", case.pk).meta
    with translation.override("zh-hans"):
        assert str(case.get_status_display()) in meta
    with translation.override("en"):
        assert str(case.get_status_display()) not in meta
