"""Calendar and activity pages in English: weekday headers, dates and choice labels translated."""

import re

import pytest

from quntuan.activities.tests.conftest import make_activity


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_month_calendar_headers_in_english(english, world):
    make_activity(world, title="职工法律讲座")
    response = english.get("/activities/", {"view": "month", "month": "2026-12"})
    assert response.status_code == 200
    html = response.content.decode()
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    text = _text(response)
    assert "December 2026" in text
    assert "Mon, Dec 7" in text  # the agenda's day heading
    assert "Lecture" in text  # the kind legend (a choice label)
    assert not re.search(r"\d+月|\d+年|周[一二三四五六日]", text)


def test_month_calendar_headers_in_chinese(client, world):
    html = client.get("/activities/", {"view": "month", "month": "2026-12"}).content.decode()
    assert re.findall(r'<th scope="col">([^<]*)</th>', html) == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert "2026年12月" in html


def test_week_view_and_detail_dates_in_english(english, world):
    activity = make_activity(world, title="职工法律讲座")
    text = _text(english.get("/activities/", {"view": "week", "week": "2026-12-07"}))
    assert "Dec 7 – Dec 13" in text and "Mon, Dec 7" in text
    text = _text(english.get("/activities/", {"view": "list"}))
    assert "Dec 7, 14:00–16:00" in text and "Lecture" in text
    text = _text(english.get(f"/activities/{activity.pk}/"))
    assert "Dec 7, 2026 14:00 – 16:00" in text
    assert not re.search(r"\d+月\d+日", text)


def test_venue_opening_hours_weekdays_in_english(english, world):
    english.force_login(world.union_staff)
    response = english.get(f"/activities/venues/{world.venue.pk}/", {"day": "2026-12-07"})
    assert response.status_code == 200
    text = _text(response)
    assert "Mon 09:00–21:00" in text and "Sun 09:00–21:00" in text
    assert "Mon, Dec 7, 2026" in text
    assert "周一" not in text
