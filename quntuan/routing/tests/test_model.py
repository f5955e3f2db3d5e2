"""The statistical model with the rules on top, trained on what the project ships only (the
catalogue texts and the example requests of ``corpus/``)."""

import pytest

from quntuan.routing.model import Router


@pytest.fixture(scope="module")
def router():
    return Router().fit([], [])


def test_suggests_three_categories_with_reasons(router):
    out = router.suggest("老板拖欠我三个月工资,公司不给")
    assert [s.category for s in out][0] == "union.legal"
    assert len(out) == 3
    assert len({s.category for s in out}) == 3
    assert out[0].reason.startswith("规则:")
    assert out[0].organization == "union"
    assert 0.0 <= out[2].confidence <= out[0].confidence <= 1.0


def test_statistical_suggestion_names_words(router):
    out = router.suggest("想预约科普讲座进社区")
    assert out[0].category == "science.popular"
    assert out[0].reason


@pytest.mark.parametrize("text", ["", None, "   ", "😀🙏🎉", "!?。,,,", "……"])
def test_no_suggestion_for_empty_text(router, text):
    assert router.suggest(text) == []


def test_long_and_mixed_text_never_fails(router):
    assert len(router.suggest("工资" * 10000)) == 3
    assert len(router.suggest("My boss 不发工资 😡 since March,公司 refuses")) == 3


@pytest.mark.parametrize("word", ["三个", "三个月", "500元", "两年", "十几", "个月"])
def test_numbers_and_measure_words_are_not_keywords(word):
    from quntuan.routing.model import _NUMERAL_WORD

    assert _NUMERAL_WORD.match(word)


@pytest.mark.parametrize("word", ["工资", "百货", "三八节", "一直"])
def test_ordinary_words_stay_keywords(word):
    from quntuan.routing.model import _NUMERAL_WORD

    assert not _NUMERAL_WORD.match(word)


def test_model_keywords_leave_out_numbers(router):
    text = "三个孩子想报名三个科普讲座,预约三个名额"
    for category in router.classes:
        assert not any(w.startswith("三") for w in router._top_words(text, category, k=10))


def test_who_asks_does_not_make_a_government_matter_theirs():
    """No rule is certain here (漏水 is no rule word): the classifier reads the request without
    "我是侨眷" and finds a government matter, so that reading wins over the identity."""
    from quntuan.routing.model import without_who_asks

    assert without_who_asks("我是侨眷 楼上漏水把我家天花板泡坏了") == " 楼上漏水把我家天花板泡坏了"
    assert without_who_asks("楼上漏水把我家天花板泡坏了") is None
    assert without_who_asks("我是侨眷") is None


def test_a_pupils_sex_is_not_read():
    from quntuan.routing.model import matter

    assert matter("女儿班上的男生在群里骂她") == "女儿班上的学生在群里骂她"
    assert matter("几个女同学孤立她") == "几个同学孤立她"
    assert matter("一个女孩在学校被欺负") == "一个孩子在学校被欺负"


def test_shipped_example_requests_are_labelled_with_catalogue_categories():
    from quntuan.catalog.data import CATEGORIES
    from quntuan.routing.model import example_requests

    rows = example_requests()
    codes = {c["code"] for c in CATEGORIES}
    assert len(rows) >= 2000
    assert {c for _, c in rows} == codes  # every category, nothing else
    assert all(t.strip() for t, _ in rows)


@pytest.mark.parametrize("text, rule, right", [
    # the volunteer names the federation's campaign against family violence; the ask is hours
    ("我是区妇联的巾帼志愿者,参加反家暴宣传两年了,想开一份志愿服务时长证明交给学校",
     "women.rights", "youth.volunteer"),
    # a company that makes rehabilitation equipment asks the science association for an appraisal
    ("我们公司研发康复训练器材,是区康复工程学会的会员单位,新产品想做科技成果评价和成果转化,需要什么材料",
     "disabled.rehab", "science.talent"),
])
def test_a_rule_gives_way_to_a_much_surer_classifier(monkeypatch, router, text, rule, right):
    """A rule reads one phrase; the classifier trained on the shipped examples reads the ask.
    When it is at least ``RULE_OVERRULE`` sure of another category, it wins; otherwise the rule."""
    from quntuan.routing import model as m
    from quntuan.routing.rules import route_rules

    assert route_rules(text).category == rule
    assert router.suggest(text)[0].category == right
    monkeypatch.setattr(m, "RULE_OVERRULE", None)
    assert router.suggest(text)[0].category == rule


def test_the_same_fit_is_reused_in_a_process():
    texts, labels = ["单位拖欠工资三个月", "孩子在学校被同学欺负"], ["union.legal", "youth.care"]
    a = Router().fit(texts, labels, with_catalogue=False)
    b = Router().fit(texts, labels, with_catalogue=False)
    assert a.clf is b.clf
    c = Router().fit(["单位拖欠工资四个月", texts[1]], labels, with_catalogue=False)
    assert c.clf is not a.clf


def test_a_workers_child_stays_with_the_union_whatever_programme_is_named(router):
    """The student-aid rule decides between two organizations' programmes: the classifier has
    learnt 希望工程 as the League's, but a worker's child is the union's 金秋助学."""
    text = "来访人是区环卫所的职工,儿子考上大学了,家里困难,听说团委有希望工程助学,想问能不能申请"
    assert router.suggest(text)[0].category == "union.hardship"


@pytest.mark.parametrize(("text", "category"), [
    # the union's hardship aid named for a disabled retiree's artificial leg
    ("我父亲是机械厂退休职工,去年截肢了,想装一条假肢,听说工会有困难职工帮扶,能申请吗", "disabled.rehab"),
    # the women's 巾帼 named by a disabled woman who wants work at home
    ("我是肢体残疾的女的 想在家做点手工活挣钱 妇联巾帼那个能帮我不", "disabled.employment"),
    # the League's counselling asked for a mother's low mood after birth
    ("儿媳产后一个多月情绪低落,整天哭,家里很担心,问团委的心理咨询能不能帮忙", "women.health"),
])
def test_a_firm_rule_stands_when_the_writer_names_another_organizations_programme(router, text, category):
    assert router.suggest(text)[0].category == category
