import pytest

from quntuan.catalog.models import Service
from quntuan.catalog.search import search_services, tokenize_query
from quntuan.catalog.services import category_save, service_save
from quntuan.core.exceptions import ApplicationError


@pytest.mark.parametrize(
    ("query", "tokens"),
    [
        ("工伤怎么认定", ["工伤", "认定"]),
        ("残疾人证办理", ["残疾人证", "办理"]),
        ("我的盲道被占了", ["盲道", "占"]),
        ("欠薪!!", ["欠薪"]),
        ("两癌筛查", ["两癌筛查"]),
        ("  ", []),
        ("的了吗", []),
        ("Volunteer 志愿者", ["volunteer", "志愿者"]),
    ],
)
def test_tokenize_query_uses_domain_dictionary_and_drops_stopwords(query, tokens):
    assert tokenize_query(query) == tokens


def test_tokenize_query_caps_length_and_count():
    assert len(tokenize_query("欠薪 " * 200)) == 1
    assert len(tokenize_query(" ".join(f"词{i}" for i in range(40)))) <= 12


def names(result):
    return [s.name for s in result.services]


def test_search_ranks_name_hits_before_description_hits(small_catalogue):
    result = search_services(Service.objects.all(), "工伤认定")
    assert result.tokens == ["工伤认定"]
    assert result.mode == "and"
    assert names(result) == ["工伤认定咨询", "劳动争议调解"]


def test_search_requires_every_token(small_catalogue):
    result = search_services(Service.objects.all(), "工伤 调解")
    assert result.mode == "and"
    assert names(result) == ["劳动争议调解"]


def test_search_falls_back_to_any_token_ranked_by_weight(small_catalogue):
    result = search_services(Service.objects.all(), "工伤 两癌")
    assert result.tokens == ["工伤", "两癌"]
    assert result.mode == "or"
    # each has one token; name hits (3) outrank a description hit (1); ties keep catalogue order
    assert names(result) == ["工伤认定咨询", "两癌筛查预约", "劳动争议调解"]


def test_search_matches_category_and_organization_names(small_catalogue):
    assert names(search_services(Service.objects.all(), "职工福利")) == ["职工疗休养"]
    assert names(search_services(Service.objects.all(), "区妇联")) == ["两癌筛查预约"]


def test_search_without_hits_and_without_tokens(small_catalogue):
    result = search_services(Service.objects.all(), "火星移民")
    assert (result.mode, result.services) == ("or", [])
    empty = search_services(Service.objects.all(), "的")
    assert (empty.mode, empty.tokens, empty.services) == ("none", [], [])


def test_materials_are_not_searched(small_catalogue):
    assert names(search_services(Service.objects.all(), "推荐表")) == []


def test_service_save_refreshes_search_text(small_catalogue):
    service = small_catalogue["c"]
    service.description = "包含盲道改造内容。"
    service_save(service=service)
    service.refresh_from_db()
    assert "盲道" in service.search_text
    assert names(search_services(Service.objects.all(), "盲道")) == ["职工疗休养"]


def test_category_rename_reindexes_its_services(small_catalogue):
    legal = small_catalogue["legal"]
    legal.name = "劳动关系维权"
    category_save(category=legal)
    result = search_services(Service.objects.all(), "劳动关系")
    assert result.tokens == ["劳动", "关系"]
    # both match through the category; 劳动 also in its name puts 劳动争议调解 first
    assert names(result) == ["劳动争议调解", "工伤认定咨询"]


def test_service_save_refuses_duplicate_name_and_bad_class(small_catalogue):
    duplicate = Service(organization=small_catalogue["union"], category=small_catalogue["legal"], name="工伤认定咨询")
    with pytest.raises(ApplicationError, match="该组织已有名为“工伤认定咨询”的服务事项"):
        service_save(service=duplicate)
    bad = Service(organization=small_catalogue["union"], category=small_catalogue["legal"], name="新事项",
                  time_limit_class="someday")
    with pytest.raises(ApplicationError, match="时限类别无效"):
        service_save(service=bad)
    assert Service.objects.filter(name="新事项").count() == 0


def test_catalog_reindex_command_repairs_stale_text(small_catalogue):
    from io import StringIO

    from django.core.management import call_command

    Service.objects.filter(pk=small_catalogue["a"].pk).update(search_text="")
    out = StringIO()
    call_command("catalog_reindex", stdout=out)
    assert out.getvalue().strip() == "已重建检索文本:1 项有变化。"
    assert names(search_services(Service.objects.all(), "工伤认定"))[0] == "工伤认定咨询"
