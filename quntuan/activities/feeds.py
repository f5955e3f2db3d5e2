"""iCalendar (RFC 5545) feeds of activities, built with the icalendar package."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event

from quntuan.activities.models import ActivityStatus

PRODID = "-//Quntuan//Activities//ZH"


def _absolute(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + path if base else path


def ical_feed(activities, *, name: str, now: datetime, link_for) -> bytes:
    """A VCALENDAR with one VEVENT per activity; cancelled ones carry STATUS:CANCELLED."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = getattr(settings, "SITE_URL", "").split("//")[-1].strip("/") or "quntuan.local"
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", activity.start)
        event.add("dtend", activity.end)
        event.add("summary", activity.title)
        event.add("location", activity.place)
        event.add("description", activity.description or "")
        event.add("organizer", f"MAILTO:noreply@{host}", parameters={"CN": activity.primary_host.name})
        event.add("status", "CANCELLED" if activity.status == ActivityStatus.CANCELLED else "CONFIRMED")
        event.add("last-modified", activity.updated_at)
        event.add("url", _absolute(link_for(activity)))
        cal.add_component(event)
    return cal.to_ical()
