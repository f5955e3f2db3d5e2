"""The statistical model with the rules on top, trained on the catalogue texts only."""

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
