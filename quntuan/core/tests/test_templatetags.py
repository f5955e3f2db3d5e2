from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from quntuan.core.templatetags.quntuan import countdown, lines

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 26), "还剩 3 天"),
        (date(2026, 11, 23), "今天到期"),
        (date(2026, 11, 21), "已超期 2 天"),
        (NOW + timedelta(hours=5, minutes=10), "还剩 5 小时"),
        (NOW + timedelta(minutes=20), "即将到期"),
        (NOW - timedelta(hours=3), "已超期 3 小时"),
        (NOW + timedelta(days=2, hours=1), "还剩 2 天"),
        (None, ""),
    ],
)
def test_countdown(value, expected):
    assert countdown(value, NOW) == expected


def test_lines():
    assert lines("身份证\n\n  户口簿 \n") == ["身份证", "户口簿"]


def test_safe_url_falls_back_and_nav_active():
    request = RequestFactory().get("/catalog/service/1/")
    html = Template(
        '{% load quntuan %}{% safe_url "no:such" "/fallback/" %}|{% safe_url "catalog:index" "/x/" %}|'
        '{% nav_active "/catalog/" %}|{% nav_active "/" True %}'
    ).render(Context({"request": request}))
    assert html == "/fallback/|/catalog/|is-active|"
