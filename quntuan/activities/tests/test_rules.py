"""Interval rules: exact examples and property tests."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from quntuan.activities import rules

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 7)  # a Monday
HOURS = [[["09:00", "12:00"], ["14:00", "21:00"]]] * 5 + [[["09:00", "17:00"]], []]


def t(h, m=0, day=DAY):
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def test_overlaps_is_half_open():
    assert rules.overlaps(t(9), t(10), t(10), t(11)) is False
    assert rules.overlaps(t(9), t(10, 1), t(10), t(11)) is True


def test_within_opening_hours():
    assert rules.within_opening_hours(t(9), t(12), HOURS, TZ) is True
    assert rules.within_opening_hours(t(11), t(14), HOURS, TZ) is False  # spans the lunch closure
    assert rules.within_opening_hours(t(8), t(10), HOURS, TZ) is False
    sunday = date(2026, 12, 13)
    assert rules.within_opening_hours(t(10, day=sunday), t(11, day=sunday), HOURS, TZ) is False


def test_valid_opening_hours():
    assert rules.valid_opening_hours(HOURS) is True
    assert rules.valid_opening_hours(HOURS[:6]) is False
    assert rules.valid_opening_hours([[["10:00", "09:00"]]] * 7) is False
    assert rules.valid_opening_hours([[["9点", "10:00"]]] * 7) is False


def test_free_slots_exact():
    busy = [rules.block_of(t(10), t(11), 30), rules.block_of(t(15), t(17), 30)]
    slots = rules.free_slots(open_intervals=rules.opening_intervals(DAY, HOURS, TZ), busy=busy,
                             duration=timedelta(minutes=30), buffer=timedelta(minutes=30))
    assert slots == [(t(9), t(9, 30)), (t(11, 30), t(12)), (t(14), t(14, 30)), (t(17, 30), t(21))]
    one_hour = rules.free_slots(open_intervals=rules.opening_intervals(DAY, HOURS, TZ), busy=busy,
                                duration=timedelta(hours=1), buffer=timedelta(minutes=30))
    assert one_hour == [(t(17, 30), t(21))]


def test_free_slots_before_a_booking_leaves_the_buffer():
    busy = [rules.block_of(t(11), t(12), 30)]
    slots = rules.free_slots(open_intervals=[(t(9), t(12))], busy=busy, duration=timedelta(hours=1),
                             buffer=timedelta(minutes=30))
    assert slots == [(t(9), t(10, 30))]


def test_audiences_overlap():
    assert rules.audiences_overlap({"age_min": 14, "age_max": 28, "groups": ["youth"]},
                                   {"age_min": 25, "age_max": None, "groups": ["youth", "workers"]}) is True
    assert rules.audiences_overlap({"age_min": 3, "age_max": 12, "groups": []},
                                   {"age_min": 60, "age_max": None, "groups": []}) is False
    assert rules.audiences_overlap({"groups": ["women"]}, {"groups": ["disabled"]}) is False
    assert rules.audiences_overlap({"groups": []}, {"groups": ["disabled"]}) is True


# --- properties ---------------------------------------------------------------------------------

quarter = st.integers(min_value=0, max_value=4 * 24 - 1)  # a start in quarter hours of the day
length = st.integers(min_value=1, max_value=16)  # up to 4 hours
requests = st.lists(st.tuples(quarter, length), min_size=1, max_size=25)
buffers = st.sampled_from([0, 15, 30, 45])


def _at(q):
    return t(0) + timedelta(minutes=15 * q)


def accept_bookings(reqs, buffer_minutes):
    """What the booking service does, without a database: accept a request when it lies within
    opening hours and its block clashes with no accepted block."""
    accepted = []
    for q, n in reqs:
        start, end = _at(q), _at(q + n)
        if not rules.within_opening_hours(start, end, HOURS, TZ):
            continue
        block = rules.block_of(start, end, buffer_minutes)
        if rules.first_clash(block, [(b, b) for b in accepted]) is None:
            accepted.append(block)
    return accepted


@settings(max_examples=200, deadline=None)
@given(requests, buffers)
def test_no_two_accepted_bookings_overlap(reqs, buffer_minutes):
    accepted = accept_bookings(reqs, buffer_minutes)
    for i, a in enumerate(accepted):
        for b in accepted[i + 1:]:
            assert not rules.overlaps(a[0], a[1], b[0], b[1])


@settings(max_examples=200, deadline=None)
@given(requests, buffers, length)
def test_suggested_slots_are_really_free(reqs, buffer_minutes, n):
    accepted = accept_bookings(reqs, buffer_minutes)
    duration = timedelta(minutes=15 * n)
    slots = rules.free_slots(open_intervals=rules.opening_intervals(DAY, HOURS, TZ), busy=accepted,
                             duration=duration, buffer=timedelta(minutes=buffer_minutes))
    for a, b in slots:
        assert b - a >= duration
        # every quarter-hour start inside the window, and the latest one, is free and open
        starts = [a + timedelta(minutes=15 * k) for k in range(int((b - a - duration) / timedelta(minutes=15)) + 1)]
        for s in [*starts, b - duration]:
            assert rules.within_opening_hours(s, s + duration, HOURS, TZ)
            block = rules.block_of(s, s + duration, buffer_minutes)
            assert rules.first_clash(block, [(x, x) for x in accepted]) is None


@settings(max_examples=200, deadline=None)
@given(requests, buffers, length)
def test_every_free_quarter_is_inside_a_suggested_slot(reqs, buffer_minutes, n):
    """Completeness: a start that would be accepted lies in some suggested window."""
    accepted = accept_bookings(reqs, buffer_minutes)
    duration = timedelta(minutes=15 * n)
    slots = rules.free_slots(open_intervals=rules.opening_intervals(DAY, HOURS, TZ), busy=accepted,
                             duration=duration, buffer=timedelta(minutes=buffer_minutes))
    for q in range(96):
        s = _at(q)
        ok = rules.within_opening_hours(s, s + duration, HOURS, TZ) and rules.first_clash(
            rules.block_of(s, s + duration, buffer_minutes), [(x, x) for x in accepted]) is None
        inside = any(a <= s and s + duration <= b for a, b in slots)
        assert ok == inside
