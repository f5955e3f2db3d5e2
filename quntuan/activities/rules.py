"""Pure interval rules for venue bookings and audiences: no database, easy to property-test.

Intervals are half-open ``[start, end)``. A booking blocks its venue from its start until its end
plus the venue's turnaround buffer; a new booking fits when its own block overlaps no other block
and the activity itself lies within one opening-hours interval of its day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo

Interval = tuple[datetime, datetime]


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open intervals overlap: touching ends do not count."""
    return a_start < b_end and b_start < a_end


def block_of(start: datetime, end: datetime, buffer_minutes: int) -> Interval:
    """The range a booking holds: the activity plus the turnaround buffer after it."""
    return start, end + timedelta(minutes=buffer_minutes)


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(23, 59, 59, 999999)
    return time(h, m)


def valid_opening_hours(hours) -> bool:
    """Seven days (Monday first), each a list of ["HH:MM", "HH:MM"] with start < end."""
    if not isinstance(hours, list) or len(hours) != 7:
        return False
    for day in hours:
        if not isinstance(day, list):
            return False
        for pair in day:
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                return False
            try:
                a, b = parse_hhmm(str(pair[0])), parse_hhmm(str(pair[1]))
            except (ValueError, TypeError):
                return False
            if not a < b:
                return False
    return True


def opening_intervals(day: date, hours: Sequence, tz: tzinfo) -> list[Interval]:
    """The opening intervals of ``day`` as aware datetimes in ``tz``."""
    result = []
    for pair in hours[day.weekday()] if hours else []:
        a, b = parse_hhmm(pair[0]), parse_hhmm(pair[1])
        result.append((datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)))
    return sorted(result)


def within_opening_hours(start: datetime, end: datetime, hours: Sequence, tz: tzinfo) -> bool:
    """True when ``[start, end)`` lies inside one opening interval of the start's day."""
    local_start = start.astimezone(tz)
    return any(o <= start and end <= c for o, c in opening_intervals(local_start.date(), hours, tz))


def first_clash(block: Interval, blocks: Iterable[tuple[Interval, object]]):
    """The payload of the first existing block that ``block`` overlaps, or None."""
    for (b_start, b_end), payload in sorted(blocks, key=lambda item: item[0]):
        if overlaps(block[0], block[1], b_start, b_end):
            return payload
    return None


def free_slots(*, open_intervals: Sequence[Interval], busy: Sequence[Interval], duration: timedelta,
               buffer: timedelta) -> list[Interval]:
    """Windows ``[a, b)`` in which an activity of ``duration`` fits anywhere: every
    ``[s, s + duration)`` with ``a <= s`` and ``s + duration <= b`` lies within opening hours and
    its block ``[s, s + duration + buffer)`` overlaps no busy block."""
    if duration <= timedelta(0):
        return []
    windows: list[Interval] = []
    for open_start, open_end in sorted(open_intervals):
        # Allowed starts as closed intervals [x, y]; a busy block [bs, be) forbids the open
        # interval of starts (bs - duration - buffer, be).
        segments = [(open_start, open_end - duration)] if open_end - duration >= open_start else []
        for b_start, b_end in busy:
            low, high = b_start - duration - buffer, b_end
            kept = []
            for x, y in segments:
                if y <= low or x >= high:
                    kept.append((x, y))
                    continue
                if x <= low:
                    kept.append((x, low))
                if high <= y:
                    kept.append((high, y))
            segments = kept
        windows.extend((x, y + duration) for x, y in segments)
    return sorted(windows)


# --- audiences ---------------------------------------------------------------------------------


def ages_overlap(a_min: int | None, a_max: int | None, b_min: int | None, b_max: int | None) -> bool:
    """Closed age ranges overlap; a missing bound is open."""
    lo_a, hi_a = a_min if a_min is not None else 0, a_max if a_max is not None else 200
    lo_b, hi_b = b_min if b_min is not None else 0, b_max if b_max is not None else 200
    return lo_a <= hi_b and lo_b <= hi_a


def groups_overlap(a: Sequence[str], b: Sequence[str]) -> bool:
    """An empty group list means everyone."""
    if not a or not b:
        return True
    return bool(set(a) & set(b))


def audiences_overlap(a: dict, b: dict) -> bool:
    """``a`` and ``b`` have age_min, age_max and groups."""
    return ages_overlap(a.get("age_min"), a.get("age_max"), b.get("age_min"), b.get("age_max")) and groups_overlap(
        a.get("groups") or [], b.get("groups") or []
    )


def day_bounds(day: date, tz: tzinfo) -> Interval:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)
