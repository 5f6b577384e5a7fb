"""A member's cases: prepared privately, brought into a meeting; the case owner's texts during it."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import policy
from ..live import broadcast
from ..models import Case, CommandNotAllowed, Meeting

FORM_TOKEN_SECONDS = 3600
# The reformulation, the action and the look-back share one limit: the fields' own.
CASE_OWNER_TEXT_LIMIT = Case._meta.get_field("reformulation").max_length


def _within_limit(text: str) -> str:
    """The text, stripped; longer than the limit is refused (never cut off without a word)."""
    text = text.strip()
    if len(text) > CASE_OWNER_TEXT_LIMIT:
        raise ValidationError(
            _("Dat is te lang: hoogstens %(max)d tekens; je tekst staat er nog.")
            % {"max": CASE_OWNER_TEXT_LIMIT}
        )
    return text


def save_case(form, group, owner) -> Case | None:
    """A new draft: nobody else sees it until it is brought in. None when the same form was saved
    already (a double press of "Bewaren", a resent POST): one draft, not two."""
    token = form.cleaned_data.get("form_token")
    if token and not cache.add(f"case-form:{owner.pk}:{token}", True, FORM_TOKEN_SECONDS):
        return None
    case = form.save(commit=False)
    case.group, case.owner = group, owner
    case.save()
    return case


def edit_case(form) -> None:
    """Changes to one's own case; a brought case changes on the meeting's screens too."""
    case = form.save()
    if case.meeting_id:
        broadcast.meeting_changed(case.meeting_id)


def bring_case(case: Case) -> str:
    """Bring a draft into the group's next meeting, or take a brought case back before it is chosen.

    Returns what was done, for the person's message; CommandNotAllowed when neither can be.
    """
    if case.status == Case.Status.CHOSEN:
        raise CommandNotAllowed(_("Deze casus is al gekozen en besproken."))
    if case.status == Case.Status.BROUGHT:
        meeting_id = case.meeting_id
        case.status, case.meeting = Case.Status.DRAFT, None
        case.save(update_fields=["status", "meeting"])
        broadcast.meeting_changed(meeting_id)
        return ""
    meeting = Meeting.next_for(case.group)
    if meeting is None:
        raise CommandNotAllowed(_("Er is nog geen bijeenkomst gepland om de casus in te brengen."))
    case.status, case.meeting = Case.Status.BROUGHT, meeting
    case.save(update_fields=["status", "meeting"])
    broadcast.meeting_changed(meeting.pk)
    return _("Je casus is ingebracht voor de volgende bijeenkomst.")


def write_case_text(meeting: Meeting, field: str, text: str) -> None:
    """The case owner's reformulation or action, on every screen at once."""
    if not policy.case_owner_writes(meeting, field):
        raise CommandNotAllowed(policy.NOT_NOW)
    Case.objects.filter(pk=meeting.case_id).update(**{field: _within_limit(text)})
    broadcast.meeting_changed(meeting.pk)


def write_follow_up(meeting: Meeting, case: Case, text: str) -> None:
    """At the look-back, what the previous case owner did with their case."""
    if not policy.in_look_back(meeting):
        raise CommandNotAllowed(_("De terugblik is voorbij."))
    case.follow_up = _within_limit(text)
    case.save(update_fields=["follow_up"])
    broadcast.contributions_changed(meeting.pk)


def mark_fits(meeting: Meeting, advice) -> None:
    """The case owner marks revealed advice that fits (or, pressed again, no longer)."""
    if not meeting.is_live:
        raise CommandNotAllowed(policy.NOT_NOW)
    advice.fits = not advice.fits
    advice.save(update_fields=["fits"])
    broadcast.contributions_changed(meeting.pk)
