"""Who may see or do what around a meeting: the only place for these rules.

- Roles and page variants, as enums: who a person is to a meeting (Audience)
  and which rendering of the live page they get (Variant).
- The viewer lookups that views and the socket use: public helpers that answer
  the object or refuse.
- The phase rules: what each phase lets whom contribute, choose or write, and
  which work its screens show.
- Who sees case content.

Refusals follow one convention (groups.policy, docs/architecture.md): 404 for
whoever may not know the thing exists, 403 for a person who knows the group but
lacks the role, 409 for the right person at the wrong moment, 400 for bad input.
"""

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Membership
from groups.policy import (
    GroupAccess,
    case_content_since,
    content_since_for_all_members,
    coordinated_groups,
    group_access,
    refuse,
)

from .models import (
    Case,
    CaseOwnerMode,
    Connection,
    Contribution,
    ContributionKind,
    JoinRequest,
    Meeting,
    Method,
    MethodPhase,
    PhaseStep,
)

DEVICE_SESSION_KEY = "admitted_devices"  # {meeting id: join request id}
NOT_NOW = gettext_lazy("Dat kan in deze fase niet (meer).")


class Audience(enum.StrEnum):
    """Who a socket or page belongs to; also the name of its channel group."""

    FACILITATOR = "facilitator"
    MEMBER = "member"
    PRESENTER = "presenter"


class Variant(enum.StrEnum):
    """Which rendering of the live page a person gets."""

    FACILITATOR = "facilitator"
    CASE_OWNER = "case_owner"
    MEMBER = "member"
    MEMBER_PENDING = "member_pending"  # has not accepted the agreements: phases and timer, no case content
    PRESENTER = "presenter"


AUDIENCE_VARIANTS = {
    Audience.FACILITATOR: [Variant.FACILITATOR],
    Audience.MEMBER: [Variant.MEMBER, Variant.CASE_OWNER, Variant.MEMBER_PENDING],
    Audience.PRESENTER: [Variant.PRESENTER],
}


@dataclass(frozen=True)
class Viewer:
    person: AbstractBaseUser
    audience: Audience  # FACILITATOR or MEMBER
    device: bool = False  # an admitted phone, not a logged-in account

    @property
    def is_facilitator(self) -> bool:
        return self.audience == Audience.FACILITATOR


# --- case content and variants ----------------------------------------------------


def held_until(meeting: Meeting) -> datetime | None:
    """When a held meeting ended (for whose content it was), or None while it is to come or runs."""
    if meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.LIVE):
        return None
    return max(meeting.scheduled_end, meeting.phase_started_at or meeting.scheduled_end)


def reaches_back_to(meeting: Meeting, since: datetime | None) -> bool:
    """Whether content of `meeting` is for someone who sees the group's content from `since` on."""
    if since is None:
        return False
    end = held_until(meeting)
    return end is None or end >= since


def content_visible(meeting: Meeting, person, since: datetime | None) -> bool:
    """`sees_case_content` with the person's groups.policy.case_content_since already looked up
    (a page that lists many meetings asks once)."""
    return person.pk == meeting.facilitator_id or reaches_back_to(meeting, since)


def screen_since(meeting: Meeting, variant_: Variant) -> datetime | None:
    """How far back the case work on a live screen may reach (the look-back at the previous
    meeting, the group's earlier themes): the facilitator's own moment on theirs; on the
    members' screens, rendered once for all of them, the latest moment of any of them, so a
    member who joined later never sees a meeting from before."""
    if variant_ == Variant.FACILITATOR:
        return case_content_since(meeting.group, meeting.facilitator) if meeting.facilitator else None
    return content_since_for_all_members(meeting.group)


def sees_case_content(meeting: Meeting, person) -> bool:
    """Case content of a meeting is for its facilitator and for the people who were in the group
    when it took place and had accepted the agreements then (and have accepted the current ones)."""
    return content_visible(meeting, person, case_content_since(meeting.group, person))


def variant(audience: Audience, sees_case: bool, is_case_owner: bool) -> Variant:
    """The one rule for which rendering a page or socket gets."""
    if audience != Audience.MEMBER:
        return Variant(audience)
    if not sees_case:
        return Variant.MEMBER_PENDING  # even as case owner: no case content before accepting
    return Variant.CASE_OWNER if is_case_owner else Variant.MEMBER


def variant_for(meeting: Meeting, viewer: Viewer, sees_case: bool) -> Variant:
    return variant(viewer.audience, sees_case, viewer.person.pk == meeting.case_owner_id)


def shows_case_work(variant_: Variant) -> bool:
    """Whether a live screen shows the case work: never the beamer, never before accepting."""
    return variant_ not in (Variant.MEMBER_PENDING, Variant.PRESENTER)


def instruction_role(variant_: Variant) -> str:
    """Whose instruction of the phase a variant reads."""
    roles = {
        Variant.FACILITATOR: MethodPhase.Role.FACILITATOR,
        Variant.CASE_OWNER: MethodPhase.Role.CASE_OWNER,
    }
    return roles.get(variant_, MethodPhase.Role.MEMBER)


def is_case_owner(meeting: Meeting, viewer: Viewer) -> bool:
    """The round's case owner, who sees the case content (has accepted the agreements)."""
    return viewer.person.pk == meeting.case_owner_id and sees_case_content(meeting, viewer.person)


# --- who is asking ------------------------------------------------------------------


def _device_request_id(session, meeting_id: int) -> int | None:
    """The join request this browser's session made for the meeting (a phone without an account)."""
    return (session or {}).get(DEVICE_SESSION_KEY, {}).get(str(meeting_id))


def viewer_for(meeting: Meeting, user, session) -> Viewer | None:
    """The person behind a request or socket, or None for anybody outside the group.

    The meeting's facilitator gets the facilitator's view, whether the group's
    external facilitator or a member taking their turn, as long as they are
    still in the group: somebody removed from it loses every view of it.
    """
    if user is not None and user.is_authenticated:
        if Membership.objects.filter(group_id=meeting.group_id, user=user).exists():
            audience = Audience.FACILITATOR if user.pk == meeting.facilitator_id else Audience.MEMBER
            return Viewer(user, audience)
    request_id = _device_request_id(session, meeting.pk)
    if request_id and meeting.status != Meeting.Status.CLOSED:
        admitted = (
            JoinRequest.objects.filter(pk=request_id, meeting=meeting, status=JoinRequest.Status.ADMITTED)
            .select_related("user")
            .first()
        )
        # An admitted phone is its member's for this meeting, while they are in the group.
        if (
            admitted
            and Membership.objects.filter(group_id=meeting.group_id, user_id=admitted.user_id).exists()
        ):
            return Viewer(admitted.user, Audience.MEMBER, device=True)
    return None


def open_for_joining(meeting: Meeting) -> bool:
    """Whether a phone without an account may ask to join (and see the members' first names):
    only today's meeting, in the lobby or live."""
    if meeting.status == Meeting.Status.LIVE:
        return True
    return meeting.status == Meeting.Status.SCHEDULED and meeting.is_today


def asks_first(meeting: Meeting) -> dict[str, bool]:
    """Which of the facilitator's presses ask for confirmation first (besides ending the meeting
    and taking a second case, which always do): starting a meeting not scheduled today,
    advancing with nobody's case chosen, and changing the case or case owner after the first phase."""
    return {
        "start": meeting.status == Meeting.Status.SCHEDULED and not meeting.is_today,
        "advance": meeting.is_live and meeting.case_owner_id is None,
        "change_round": meeting.is_live and bool(meeting.phase_index),
    }


def device_request(request: HttpRequest, meeting: Meeting) -> JoinRequest | None:
    """The join request this browser made for the meeting, if any."""
    request_id = _device_request_id(request.session, meeting.pk)
    if not request_id:
        return None
    return JoinRequest.objects.filter(pk=request_id, meeting=meeting).select_related("user").first()


def login_or_admitted_device(view):
    """Visitors who are not logged in: an admitted phone goes on, a phone whose
    access ended goes back to the join page (which says why), others log in."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, pk, *args, **kwargs)
        request_id = _device_request_id(request.session, pk)
        if not request_id:
            return redirect_to_login(request.get_full_path())
        device = JoinRequest.objects.filter(pk=request_id, meeting_id=pk).select_related("meeting").first()
        if device is None:
            raise Http404
        if device.status != JoinRequest.Status.ADMITTED or device.meeting.status == Meeting.Status.CLOSED:
            return redirect("meetings:join", code=device.meeting.join_code)
        return view(request, pk, *args, **kwargs)

    return wrapper


def get_meeting_for_viewer(request: HttpRequest, pk: int, load=Meeting.load) -> tuple[Meeting, Viewer]:
    """The meeting and who is asking; a coordinator of its group gets a 403, anyone else outside it a 404.

    `load` fetches the meeting: by default with everything a page renders.
    """
    try:
        meeting = load(pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    viewer = viewer_for(meeting, request.user, request.session)
    if viewer is None:
        raise refuse(group_access(meeting.group, request.user))
    return meeting, viewer


def get_meeting_for_facilitator(request: HttpRequest, pk: int, load=Meeting.load) -> Meeting:
    meeting, viewer = get_meeting_for_viewer(request, pk, load)
    if not viewer.is_facilitator:
        raise PermissionDenied
    return meeting


def steers(meeting: Meeting, viewer: Viewer) -> bool:
    """Whether this person may press the meeting's commands: its facilitator, or the member
    who has the controls (handed over, or taken while the facilitator was away)."""
    return viewer.is_facilitator or (
        meeting.controller_id is not None and meeting.controller_id == viewer.person.pk
    )


def get_meeting_for_steering(request: HttpRequest, pk: int, load=Meeting.load) -> tuple[Meeting, Viewer]:
    """For whoever steers now (steers); other members get a 403."""
    meeting, viewer = get_meeting_for_viewer(request, pk, load)
    if not steers(meeting, viewer):
        raise PermissionDenied
    return meeting, viewer


def facilitator_connected(meeting: Meeting) -> bool:
    """Whether the facilitator's own page has a live socket (rows of dead processes go stale)."""
    return Connection.objects.filter(
        meeting=meeting,
        audience=Audience.FACILITATOR,
        user_id=meeting.facilitator_id,
        last_seen__gte=timezone.now() - Connection.STALE_AFTER,
    ).exists()


def get_meeting_for_case_content(request: HttpRequest, pk: int) -> tuple[Meeting, Viewer]:
    """For members who see case content (not the facilitator); other members get a 403."""
    meeting, viewer = get_meeting_for_viewer(request, pk)
    if viewer.is_facilitator or not sees_case_content(meeting, viewer.person):
        raise PermissionDenied
    return meeting, viewer


def get_meeting_for_case_owner(request: HttpRequest, pk: int) -> tuple[Meeting, Viewer]:
    """For the round's case owner only; other members get a 403."""
    meeting, viewer = get_meeting_for_viewer(request, pk)
    if not is_case_owner(meeting, viewer):
        raise PermissionDenied
    return meeting, viewer


def _get_meeting_with_access(request: HttpRequest, pk: int, allowed) -> tuple[Meeting, GroupAccess]:
    """A meeting where `allowed(meeting, access)` holds for the asker; refused by the convention otherwise."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    access = group_access(meeting.group, request.user)
    if not allowed(meeting, access):
        raise refuse(access)
    return meeting, access


def get_meeting_for_planner(request: HttpRequest, pk: int) -> Meeting:
    """A meeting its group's coordinator or facilitator may move or cancel."""
    return _get_meeting_with_access(request, pk, lambda _meeting, access: access.oversees)[0]


def get_meeting_for_group_member(request: HttpRequest, pk: int) -> Meeting:
    """A meeting of a group the asker is a member of (answering whether they come)."""
    return _get_meeting_with_access(request, pk, lambda _meeting, access: access.is_member)[0]


def get_meeting_for_attendance(request: HttpRequest, pk: int) -> Meeting:
    """A meeting whose attendance the asker may correct: the group's facilitator, or whoever
    facilitated this meeting and still has a role in the group."""

    def allowed(meeting: Meeting, access: GroupAccess) -> bool:
        return access.is_facilitator or (access.knows_group and meeting.facilitator_id == request.user.pk)

    return _get_meeting_with_access(request, pk, allowed)[0]


def visible_meetings(user):
    """Meetings of every group the person belongs to or coordinates (calendars)."""
    return (
        Meeting.objects.filter(Q(group__memberships__user=user) | Q(group__in=coordinated_groups(user)))
        .distinct()
        .select_related("group")
    )


def get_own_case(request: HttpRequest, case_id: int) -> Case:
    """A case of the asker's own; nobody else's case exists for them."""
    return get_object_or_404(Case.objects.select_related("group", "meeting"), pk=case_id, owner=request.user)


def facilitates_somewhere(user) -> bool:
    """Whether the person facilitates: a group's facilitator, or a member who took a meeting's turn."""
    return (
        Membership.objects.filter(user=user, role=Membership.Role.FACILITATOR).exists()
        or Meeting.objects.filter(facilitator=user).exists()
    )


def methods_for(user):
    """The methods a facilitator may choose: the built-in ones and their own copies."""
    return Method.available_to(user)


# --- phase rules --------------------------------------------------------------------


def allowed_kinds(meeting: Meeting, is_case_owner: bool) -> list[str]:
    """What a member may contribute now; the case owner does not question or advise their own case."""
    phase = meeting.current_phase
    if not meeting.is_live or phase is None:
        return []
    if not is_case_owner:
        return list(phase.member_kinds)
    if phase.case_owner_mode != CaseOwnerMode.ANSWERS:
        return []
    about_their_case = (ContributionKind.QUESTION, ContributionKind.ADVICE)
    return [kind for kind in phase.member_kinds if kind not in about_their_case]


def contribution_refusal(meeting: Meeting, viewer: Viewer, kind: str, text: str) -> str:
    """Why this contribution cannot be accepted, or "" when it can."""
    if viewer.is_facilitator:
        return _("De begeleider bewaakt het proces en levert hier geen bijdrage.")
    if not sees_case_content(meeting, viewer.person):
        return _("Ga eerst akkoord met de afspraken van de groep; daarna kun je meedoen.")
    if kind not in allowed_kinds(meeting, is_case_owner=viewer.person.pk == meeting.case_owner_id):
        label = dict(ContributionKind.choices).get(kind, kind)
        return _("In deze fase kun je geen %(kind)s insturen.") % {"kind": label}
    if not text.strip():
        return _("Schrijf eerst iets.")
    if len(text) > Contribution.MAX_LENGTH:
        return _("Dat is te lang: hoogstens %(max)d tekens.") % {"max": Contribution.MAX_LENGTH}
    return ""


def in_step(meeting: Meeting, step: str) -> bool:
    """Whether the meeting runs a phase with this step (choosing, reformulating, evaluating)."""
    return meeting.is_live and meeting.current_phase is not None and meeting.current_phase.step == step


def in_look_back(meeting: Meeting) -> bool:
    """The first phase of the first round looks back at the previous meeting's cases."""
    return meeting.is_live and meeting.phase_index == 0 and meeting.round == 1


def case_choice_refusal(meeting: Meeting, case: Case) -> str:
    """Why this case cannot be the round's case now, or "": chosen in the lobby or a choosing phase."""
    if not (meeting.status == Meeting.Status.SCHEDULED or in_step(meeting, PhaseStep.CHOOSE)):
        return _("Een casus kies je in de wachtruimte of in de fase waarin gekozen wordt.")
    return meeting.case_problem(case)


def case_owner_writes(meeting: Meeting, field: str, shared=None) -> bool:
    """Whether the case owner can write this text of their case now: the reformulation in a
    reformulating phase; what they will do once advice is shared, or when reformulating or evaluating."""
    phase = meeting.current_phase
    if not meeting.is_live or phase is None or meeting.case_id is None:
        return False
    if field == "reformulation":
        return phase.step == PhaseStep.REFORMULATE
    if phase.step in (PhaseStep.REFORMULATE, PhaseStep.EVALUATE):
        return True
    if shared is None:
        shared = meeting.round_contributions().filter(phase=meeting.phase, revealed_at__isnull=False)
    return any(c.kind == ContributionKind.ADVICE for c in shared)


class Screen(enum.StrEnum):
    """The parts of the case work a phase's screens show besides its contributions."""

    BROUGHT_CASES = "brought_cases"
    LOOK_BACK = "look_back"
    EVALUATION = "evaluation"
    EARLIER_THEMES = "earlier_themes"


def screens(meeting: Meeting) -> set[Screen]:
    """What the current phase shows: choosing a case, the look-back, the evaluation, the group's themes."""
    phase = meeting.current_phase
    shown = set()
    if phase.step == PhaseStep.CHOOSE:
        shown.add(Screen.BROUGHT_CASES)
    if in_look_back(meeting):
        shown.add(Screen.LOOK_BACK)
    if phase.step == PhaseStep.EVALUATE:
        shown.add(Screen.EVALUATION)
    if ContributionKind.THEME in phase.member_kinds:
        shown.add(Screen.EARLIER_THEMES)
    return shown


def shared_with_group(contribution: Contribution) -> bool:
    """What the members' screens show of a phase's contributions: revealed ones, never the questions
    (those go to the case owner's queue)."""
    return bool(contribution.revealed_at) and contribution.kind != ContributionKind.QUESTION
