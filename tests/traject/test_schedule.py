"""Planning the dates of a traject, in the group's time zone, across DST."""

import zoneinfo
from datetime import date, time, timedelta

import pytest

from sessions.traject.schedule import nth_weekday, plan

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(meeting):
    return meeting.start.astimezone(AMSTERDAM)


def test_fortnightly_meetings_keep_their_local_time_across_the_autumn_change():
    # 2026-10-25: clocks go back in Amsterdam.
    meetings = plan(date(2026, 10, 13), time(19, 0), "2w", 7, timedelta(hours=2), AMSTERDAM)
    assert [local(m).date() for m in meetings][:3] == [
        date(2026, 10, 13),
        date(2026, 10, 27),
        date(2026, 11, 10),
    ]
    assert {local(m).time() for m in meetings} == {time(19, 0)}
    assert meetings[0].start.utcoffset() == timedelta(0)
    assert meetings[0].start.hour == 17 and meetings[1].start.hour == 18  # UTC shifts, local does not
    assert all(m.end - m.start == timedelta(hours=2) for m in meetings)


def test_spring_change_keeps_the_local_time_too():
    meetings = plan(date(2027, 3, 16), time(9, 30), "3w", 6, timedelta(minutes=150), AMSTERDAM)
    assert {local(m).time() for m in meetings} == {time(9, 30)}
    assert meetings[0].start.hour == 8 and meetings[1].start.hour == 7


@pytest.mark.parametrize("interval,weeks", [("2w", 2), ("3w", 3), ("4w", 4)])
def test_weekly_intervals(interval, weeks):
    meetings = plan(date(2026, 1, 6), time(14, 0), interval, 6, timedelta(hours=2), AMSTERDAM)
    assert local(meetings[1]).date() - local(meetings[0]).date() == timedelta(weeks=weeks)


def test_monthly_keeps_the_same_weekday_of_the_month():
    # The 2nd Tuesday of January 2026 is the 13th.
    meetings = plan(date(2026, 1, 13), time(19, 0), "monthly", 8, timedelta(hours=2), AMSTERDAM)
    days = [local(m).date() for m in meetings]
    assert all(day.weekday() == 1 for day in days)
    assert all((day.day - 1) // 7 + 1 == 2 for day in days)
    assert days[1] == date(2026, 2, 10)


def test_a_fifth_weekday_becomes_the_last_one_in_shorter_months():
    assert nth_weekday(2026, 2, 0, 5) == date(2026, 2, 23)  # February 2026 has four Mondays


def test_other_time_zones():
    new_york = zoneinfo.ZoneInfo("America/New_York")
    meetings = plan(date(2026, 10, 27), time(18, 0), "2w", 6, timedelta(hours=2), new_york)
    assert {m.start.astimezone(new_york).time() for m in meetings} == {time(18, 0)}


def test_an_unknown_interval_is_refused():
    with pytest.raises(ValueError):
        plan(date(2026, 1, 6), time(14, 0), "weekly", 6, timedelta(hours=2), AMSTERDAM)
