from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation

from quntuan.volunteers import rules
from quntuan.volunteers.templatetags.volunteers_tags import duration, star_name


def test_duration_matches_the_rules_in_chinese_and_reads_in_english():
    for minutes in (0, 45, 60, 135, 13635):
        assert duration(minutes) == rules.hours_text(minutes)
    with translation.override("en"):
        assert [duration(m) for m in (0, 45, 60, 13635)] == ["0 h", "45 min", "1 h", "227 h 15 min"]
    assert duration("abc") == ""


def test_star_name_per_language():
    assert [star_name(level) for level in range(6)] == [rules.star_name(level) for level in range(6)]
    with translation.override("en"):
        assert [star_name(level) for level in (0, 1, 5)] == ["Volunteer", "1-star volunteer", "5-star volunteer"]
        assert star_name(9) == "Volunteer"


def test_hours_report_problem_in_english():
    start = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    end = start + timedelta(hours=3)
    with translation.override("en"):
        assert rules.hours_report_problem(minutes=181, shift_start=start, shift_end=end, now=end) \
            == "The time served cannot be longer than the shift (180 minutes)."
        assert rules.hours_report_problem(minutes=60, shift_start=start, shift_end=end, now=start) \
            == "Time can be reported only after the shift has ended."
