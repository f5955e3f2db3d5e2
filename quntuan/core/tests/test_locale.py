"""The English catalogue and the language-aware date helpers.

The catalogue test reads ``locale/en/LC_MESSAGES/django.po`` itself: every entry translated, none
fuzzy, the placeholders of each translation the same as its msgid's, and the compiled ``.mo``
answering each msgid with the ``.po``'s translation (so a forgotten ``compilemessages`` fails)."""

import gettext as gettext_module
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from quntuan.accounts.models import Role
from quntuan.core.templatetags.quntuan import ldate, month_name, weekday_name

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def _entries() -> list[dict]:
    entries, current, key = [], None, None
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "fields": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current["fields"][key] += _unquote(line)
        else:
            key, _, value = line.partition(" ")
            current["fields"][key] = _unquote(value)
    return [e for e in entries if e["fields"].get("msgid") and not e.get("obsolete")]


def test_catalogue_is_complete_and_has_no_fuzzy_entry():
    entries = _entries()
    assert len(entries) > 2000
    fuzzy = [e["fields"]["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["fields"]["msgid"] for e in entries
             if any(v == "" for k, v in e["fields"].items() if k.startswith("msgstr"))]
    assert fuzzy == []
    assert empty == []


def test_translations_keep_their_placeholders():
    wrong = []
    for e in _entries():
        fields = e["fields"]
        expected = sorted(PLACEHOLDER.findall(fields["msgid"]))
        for k, v in fields.items():
            if k.startswith("msgstr") and sorted(PLACEHOLDER.findall(v)) != expected and "python-format" in e["flags"]:
                wrong.append(fields["msgid"])
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext_module.GNUTranslations(fh)
    stale = [e["fields"]["msgid"] for e in _entries()
             if "msgstr" in e["fields"] and "msgctxt" not in e["fields"]
             and compiled.gettext(e["fields"]["msgid"]) != e["fields"]["msgstr"]]
    assert stale == []


def test_choice_labels_follow_the_language():
    assert str(Role.RESIDENT.label) == "群众"
    with translation.override("en"):
        assert str(Role.RESIDENT.label) == "Resident"
        assert [str(label) for _value, label in Role.choices][:3] == ["Resident", "Staff", "Organization leader"]


@pytest.mark.parametrize(("language", "kind", "expected"), [
    ("zh-hans", "date", "2026年3月5日"),
    ("zh-hans", "month_day_time", "3月5日 14:30"),
    ("zh-hans", "year_month", "2026年3月"),
    ("zh-hans", "date_weekday", "2026年3月5日 星期四"),
    ("en", "date", "Mar 5, 2026"),
    ("en", "month_day_time", "Mar 5, 14:30"),
    ("en", "year_month", "March 2026"),
    ("en", "date_weekday", "Thu, Mar 5, 2026"),
])
def test_ldate_formats_per_language(language, kind, expected):
    with translation.override(language):
        assert ldate(datetime(2026, 3, 5, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai")), kind) == expected


def test_ldate_shows_aware_datetimes_in_local_time():
    moment = datetime(2026, 3, 5, 6, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Beijing
    template = Template('{% load quntuan %}{{ t|ldate:"month_day_time" }}|{{ none|ldate }}')
    with translation.override("en"):
        assert template.render(Context({"t": moment, "none": None})) == "Mar 5, 14:30|"
    with translation.override("zh-hans"):
        assert template.render(Context({"t": moment, "none": None})) == "3月5日 14:30|"


def test_weekday_and_month_names():
    with translation.override("zh-hans"):
        assert [weekday_name(i) for i in range(7)] == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        assert weekday_name(date(2026, 11, 22)) == "周日"
        assert month_name(3) == "3 月"
    with translation.override("en"):
        assert [weekday_name(i) for i in range(7)] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        assert month_name("12") == "December"
