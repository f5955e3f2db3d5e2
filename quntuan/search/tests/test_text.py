"""The pure text functions: query parsing of bad input, the two query languages, snippets, pinyin."""

import re

import pytest

from quntuan.search.text import (
    MAX_QUERY_CHARS,
    fts5_query_text,
    highlight,
    name_pinyin,
    parse_query,
    tsquery_text,
)


@pytest.mark.parametrize("query", ["", "   ", None, "\n\t"])
def test_empty_query_has_no_terms(query):
    parsed = parse_query(query)
    assert parsed.text == ""
    assert parsed.is_empty
    assert parsed.truncated is False


@pytest.mark.parametrize("query", ["🙂🙂🙂", "!!!???", "……——《》", "'\"*:-()", "😀 ,。!"])
def test_symbols_only_have_no_terms(query):
    parsed = parse_query(query)
    assert parsed.text == query.strip()
    assert parsed.is_empty


def test_very_long_query_is_cut():
    parsed = parse_query("欠薪" * 10_000)
    assert parsed.truncated is True
    assert len(parsed.text) == MAX_QUERY_CHARS
    assert parsed.tokens == ["欠薪"]


@pytest.mark.parametrize("query", [
    '" OR 1=1 --', "工资' AND '1'='1", "NEAR(工资 拖欠)", "工资*", "title_tokens:工资", "-工资",
    "工资 & !拖欠 | <-> :*", "{acl}: pub", "'; DROP TABLE search_document; --",
])
def test_syntax_characters_never_reach_the_query_languages(query):
    parsed = parse_query(query)
    assert not parsed.is_empty
    for text in (tsquery_text(parsed.terms), fts5_query_text(parsed.terms), tsquery_text(parsed.terms, any_term=True)):
        # Only our own operators and quoting around letters and digits.
        assert re.fullmatch(r"[\w()'\"*:&| ]+", text), text
        for part in re.findall(r"['\"]([^'\"]*)['\"]", text):
            assert re.fullmatch(r"[^\W_]+", part), part


def test_fts5_keywords_are_quoted_strings():
    parsed = parse_query("NEAR AND OR NOT")
    assert parsed.tokens == ["near", "and", "or", "not"]
    assert fts5_query_text(parsed.terms) == '(("near"*)) AND (("and"*)) AND (("or")) AND (("not"*))'


def test_tsquery_of_two_tokens_prefix_only_for_latin():
    parsed = parse_query("拖欠 工资 zongg")
    assert parsed.tokens == ["拖欠", "工资", "zongg"]
    assert tsquery_text(parsed.terms) == "(('拖欠')) & (('工资')) & (('zongg':*))"
    assert tsquery_text(parsed.terms, any_term=True) == "(('拖欠')) | (('工资')) | (('zongg':*))"


def test_highlight_escapes_markup_and_marks_words():
    html = highlight('<script>alert("欠薪")</script> 工资&欠薪', ["欠薪"])
    assert str(html) == ('&lt;script&gt;alert(&quot;<mark>欠薪</mark>&quot;)&lt;/script&gt; 工资&amp;'
                         '<mark>欠薪</mark>')


def test_highlight_cannot_be_broken_by_a_query_of_markup():
    html = highlight("a <mark> b", ["<mark>"])
    assert str(html) == "a <mark>&lt;mark&gt;</mark> b"


def test_snippet_window_around_the_first_match():
    text = "前" * 200 + "欠薪" + "后" * 200
    html = str(highlight(text, ["欠薪"], width=60))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>欠薪</mark>" in html
    assert len(re.sub(r"</?mark>", "", html)) == 62  # 60 characters and two ellipses


def test_pinyin_of_an_organization_name():
    forms = name_pinyin("区总工会")
    assert {"quzonggonghui", "qzgh", "zonggonghui", "zgh", "gonghui", "gh"} <= set(forms)
    assert name_pinyin("ACME") == ()


def test_tracking_number_is_one_token():
    parsed = parse_query("查询 QT-20261123-000001 进度")
    assert parsed.tokens == ["qt20261123000001", "查询", "进度"]
