from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quntuan.volunteers import rules

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("hours", "minutes_extra", "level"), [
    (0, 0, 0), (99, 59, 0), (100, 0, 1), (299, 59, 1), (300, 0, 2), (599, 59, 2), (600, 0, 3),
    (999, 59, 3), (1000, 0, 4), (1499, 59, 4), (1500, 0, 5), (9000, 0, 5),
])
def test_star_levels_exact(hours, minutes_extra, level):
    assert rules.star_level(hours * 60 + minutes_extra) == level


def test_star_names_and_next():
    assert rules.star_name(0) == "志愿者"
    assert rules.star_name(3) == "三星志愿者"
    assert rules.next_star(0) == (1, 6000)
    assert rules.next_star(100 * 60) == (2, 12000)
    assert rules.next_star(1500 * 60) is None
    assert rules.star_level(300 * 60, [10, 20, 30, 40, 50]) == 5


def test_negative_minutes_are_level_zero():
    assert rules.star_level(-500) == 0


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**5))
def test_star_level_never_falls(a, b):
    assert rules.star_level(a) <= rules.star_level(a + b)


def test_hours_text():
    assert rules.hours_text(0) == "0 小时"
    assert rules.hours_text(45) == "45 分钟"
    assert rules.hours_text(120) == "2 小时"
    assert rules.hours_text(150) == "2 小时 30 分钟"


def test_mask_id_number():
    assert rules.mask_id_number("110105199003071239") == "110***********1239"
    assert rules.mask_id_number("E12345678") == "E12**5678"
    assert rules.mask_id_number("12345") == "*****"


def test_resident_id_check_character():
    assert rules.resident_id_valid("110105199003071239")
    assert not rules.resident_id_valid("110105199003071230")
    assert not rules.resident_id_valid("11010519900307123")


def test_hours_report_problems():
    start = datetime(2026, 12, 5, 9, tzinfo=TZ)
    end = start + timedelta(hours=3)
    assert rules.hours_report_problem(minutes=60, shift_start=start, shift_end=end, now=start - timedelta(days=1)) \
        == "班次尚未开始,不能填报未来的服务时长。"
    assert rules.hours_report_problem(minutes=60, shift_start=start, shift_end=end, now=end - timedelta(minutes=1)) \
        == "班次结束后才能填报服务时长。"
    assert rules.hours_report_problem(minutes=181, shift_start=start, shift_end=end, now=end) \
        == "服务时长不能超过班次时长(180 分钟)。"
    assert rules.hours_report_problem(minutes=0, shift_start=start, shift_end=end, now=end) \
        == "服务时长必须大于 0 分钟。"
    assert rules.hours_report_problem(minutes=180, shift_start=start, shift_end=end, now=end) is None


@pytest.mark.parametrize(("attended", "total", "percent", "done"), [
    (8, 10, 80, True), (7, 10, 80, False), (4, 5, 80, True), (3, 5, 80, False), (3, 4, 80, False),
    (4, 4, 80, True), (0, 0, 80, False), (1, 3, 30, True),
])
def test_completion_rule(attended, total, percent, done):
    assert rules.is_complete(attended, total, percent) is done


def test_completion_needed_rounds_up():
    assert rules.completion_needed(4, 80) == 4
    assert rules.completion_needed(6, 80) == 5
    assert rules.completion_needed(10, 80) == 8
