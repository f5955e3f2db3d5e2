import re

import pytest

from quntuan.core.testing import make_district, make_org, make_staff

pytestmark = pytest.mark.django_db


def test_calendar_in_english_names_holidays_months_and_source(client):
    client.force_login(make_staff(make_org(make_district())))
    client.cookies["django_language"] = "en"
    text = re.sub(r"<[^>]+>", " ", client.get("/calendar/?year=2026").content.decode())
    assert "Spring Festival" in text and "National Day" in text
    assert "January" in text and "December" in text
    assert "chinese-calendar" in text
    body = text[text.index("2026 working calendar"):]
    assert "春节" not in body and "软件包" not in body and " 月" not in body


def test_calendar_in_chinese_keeps_chinese_names(client):
    client.force_login(make_staff(make_org(make_district())))
    text = client.get("/calendar/?year=2026").content.decode()
    assert "春节" in text and "1 月" in text and "chinese-calendar 软件包" in text
