"""Who may see a meeting, and as whom: one rule for pages and sockets alike."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from groups.models import Membership

from .models import JoinRequest, Meeting

DEVICE_SESSION_KEY = "admitted_devices"  # {meeting id: join request id}


@dataclass(frozen=True)
class Viewer:
    person: AbstractBaseUser
    audience: str  # "facilitator" or "member"
    device: bool = False  # an admitted phone, not a logged-in account

    @property
    def is_facilitator(self) -> bool:
        return self.audience == "facilitator"


def sees_case_content(meeting: Meeting, person) -> bool:
    """Case content is for the meeting's facilitator and for whom the group shares it with."""
    return person.pk == meeting.facilitator_id or meeting.group.shares_case_content_with(person)


def variant_for(meeting: Meeting, viewer: "Viewer", sees_case: bool) -> str:
    """Which rendering of the live page this person gets."""
    if viewer.is_facilitator:
        return "facilitator"
    if not sees_case:
        return "member_pending"  # even as case owner: no case content before accepting
    return "case_owner" if viewer.person.pk == meeting.case_owner_id else "member"


def viewer_for(meeting: Meeting, user, session) -> Viewer | None:
    """The person behind a request or socket, or None for anybody outside the group.

    The meeting's facilitator gets the facilitator's view, whether the group's
    external facilitator or a member taking their turn, as long as they are
    still in the group: somebody removed from it loses every view of it.
    """
    if user is not None and user.is_authenticated:
        if Membership.objects.filter(group_id=meeting.group_id, user=user).exists():
            return Viewer(user, "facilitator" if user.pk == meeting.facilitator_id else "member")
    request_id = (session or {}).get(DEVICE_SESSION_KEY, {}).get(str(meeting.pk))
    if request_id and meeting.status != Meeting.Status.CLOSED:
        admitted = (
            JoinRequest.objects.filter(pk=request_id, meeting=meeting, status=JoinRequest.Status.ADMITTED)
            .select_related("user")
            .first()
        )
        if admitted:
            return Viewer(admitted.user, "member", device=True)
    return None
