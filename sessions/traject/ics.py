"""Calendar files (.ics) for meetings, with the icalendar library.

Every meeting keeps one UID for life; its SEQUENCE rises with every move or
cancellation, so calendar apps update the entry instead of adding another.
The description never contains case content: only the group, the place and
the link to the meeting.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from intervisie import emails

from ..models import Meeting

PRODID = "-//Intervisie//intervisie//NL"


def uid(meeting: Meeting) -> str:
    """Unique across installations (the site's host), stable for the meeting's life."""
    host = urlsplit(settings.SITE_URL).hostname or "intervisie.local"
    return f"meeting-{meeting.pk}@{host}"


def event(meeting: Meeting, base_url: str, attendee: str = "") -> Event:
    item = Event()
    item.add("uid", uid(meeting))
    # Calendar apps treat an emailed REQUEST or CANCEL as an update only with an organizer.
    item.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"))
    if attendee:
        item.add("attendee", vCalAddress(f"mailto:{attendee}"))
    item.add("sequence", meeting.sequence)
    item.add("dtstamp", timezone.now())
    item.add("dtstart", meeting.scheduled_start)
    item.add("dtend", meeting.scheduled_end)
    item.add("summary", meeting.group.calendar_title)
    if meeting.place:
        item.add("location", meeting.place)
    link = base_url + reverse("meetings:participant", args=[meeting.pk])
    item.add("url", link)
    description = _("Bijeenkomst van %(group)s.") % {"group": meeting.group.name}
    item.add("description", f"{description}\n{link}")
    item.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return item


def calendar(meetings, base_url: str, method: str = "PUBLISH", name: str = "", attendee: str = "") -> bytes:
    """An iCalendar file; METHOD:REQUEST or CANCEL for emails, PUBLISH for downloads and feeds."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(event(meeting, base_url, attendee))
    return cal.to_ical()


def base_url(request=None) -> str:
    """Where links in calendars point: the site's address (intervisie.emails decides)."""
    return emails.site_url(request)
