import pytest
from django.utils import translation

from quntuan.core.exceptions import ApplicationError
from quntuan.programs.criteria import describe, validate

CRITERIA = {"all": [
    {"attr": "age", "op": "between", "value": [18, 35]},
    {"attr": "employment_status", "op": "in", "value": ["unemployed", "student"]},
    {"attr": "union_member", "op": "eq", "value": True},
]}


def test_description_in_chinese():
    assert describe(CRITERIA) == "(年龄 18–35 岁 且 就业状态属于 失业、学生 且 工会会员属于 是)"
    assert describe({"attr": "age", "op": "gte", "value": 60}) == "年龄 ≥60 岁"


def test_description_in_english():
    with translation.override("en"):
        assert describe(CRITERIA) == ("(Age 18–35 and Employment status is Unemployed, Student "
                                      "and Trade union member is Yes)")
        assert describe({"any": [{"attr": "gender", "op": "eq", "value": "female"},
                                 {"attr": "age", "op": "gte", "value": 60}]}) == "(Gender is Female or Age ≥60)"


def test_validation_messages_follow_the_language():
    bad = {"attr": "age", "op": "between", "value": [40, 20]}
    with pytest.raises(ApplicationError) as chinese:
        validate(bad)
    assert chinese.value.message == "年龄范围自相矛盾:最小 40 岁大于最大 20 岁。"
    with translation.override("en"), pytest.raises(ApplicationError) as english:
        validate({"attr": "gender", "op": "eq", "value": "other"})
    assert english.value.message == "“other” is not a valid value for “Gender”; choose from: male, female."
