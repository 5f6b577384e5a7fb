"""Planning a traject: the dates of 6–8 meetings, in the group's time zone.

Dates are computed as local wall-clock times and only then converted to UTC,
so a meeting at 19:00 stays at 19:00 across a daylight-saving change.
"""

import calendar
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext_lazy as _

INTERVALS = {
    "2w": _("elke 2 weken"),
    "3w": _("elke 3 weken"),
    "4w": _("elke 4 weken"),
    "monthly": _("maandelijks, zelfde weekdag"),
}
MIN_MEETINGS, MAX_MEETINGS = 6, 8
MIN_DURATION, MAX_DURATION = timedelta(minutes=60), timedelta(hours=4)


@dataclass(frozen=True)
class PlannedMeeting:
    number: int
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) weekday of a month; the last one when the month has fewer."""
    days = [day for day in calendar.Calendar().itermonthdates(year, month) if day.month == month]
    matching = [day for day in days if day.weekday() == weekday]
    return matching[min(n, len(matching)) - 1]


def local_dates(first: date, interval: str, count: int) -> list[date]:
    if interval == "monthly":
        n = (first.day - 1) // 7 + 1  # the 2nd Tuesday stays the 2nd Tuesday
        dates = []
        for index in range(count):
            month_index = first.month - 1 + index
            year, month = first.year + month_index // 12, month_index % 12 + 1
            dates.append(nth_weekday(year, month, first.weekday(), n))
        return dates
    weeks = {"2w": 2, "3w": 3, "4w": 4}[interval]
    return [first + timedelta(weeks=weeks * index) for index in range(count)]


def to_utc(day: date, at: time, tz: zoneinfo.ZoneInfo) -> datetime:
    """A local wall-clock time as UTC (a time that does not exist moves forward, as clocks do)."""
    local = datetime.combine(day, at, tzinfo=tz)
    # Round-trip through UTC normalises a time skipped by the spring change.
    return local.astimezone(zoneinfo.ZoneInfo("UTC"))


def plan(
    first: date, at: time, interval: str, count: int, duration: timedelta, tz: zoneinfo.ZoneInfo
) -> list[PlannedMeeting]:
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}")
    planned = []
    for number, day in enumerate(local_dates(first, interval, count), start=1):
        start = to_utc(day, at, tz)
        planned.append(PlannedMeeting(number, start, start + duration))
    return planned
