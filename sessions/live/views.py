"""Pages and commands of a meeting: the facilitator's laptop, the presenter
screen, the participants' phones, and joining by QR code."""

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from groups.policy import group_access, refuse
from intervisie.limits import address, limit_reached, over_limit
from intervisie.parsing import posted_number

from .. import policy
from ..actions import meeting as actions
from ..models import CommandNotAllowed, JoinRequest, Meeting, StaleVersion
from ..policy import Audience, Variant, login_or_admitted_device
from . import broadcast
from .routing import socket_path


def _join_url(request: HttpRequest, meeting: Meeting) -> str:
    path = reverse("meetings:join", args=[meeting.join_code])
    return settings.SITE_URL + path if settings.SITE_URL else request.build_absolute_uri(path)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=1, omitsize=True, border=2, title=url)


def _live_page(request, meeting, variant, template, socket, **extra) -> HttpResponse:
    context = broadcast.live_context(meeting, variant, socket_path=socket, **extra)
    return render(request, template, context)


@require_GET
@login_or_admitted_device
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, viewer = policy.get_meeting_for_viewer(request, pk)
    if viewer.is_facilitator:
        return redirect("meetings:facilitate", pk=pk)
    variant = policy.variant_for(meeting, viewer, policy.sees_case_content(meeting, viewer.person))
    return _live_page(
        request,
        meeting,
        variant,
        "sessions/participant.html",
        socket_path(pk),
        viewer=viewer,
    )


def _facilitator_page(request: HttpRequest, pk: int, variant: Variant, template: str, socket: str):
    """The facilitator's laptop or beamer screen, with the join code as link and QR code."""
    meeting = policy.get_meeting_for_facilitator(request, pk)
    join_url = _join_url(request, meeting)
    return _live_page(
        request, meeting, variant, template, socket, join_url=join_url, join_qr=_qr_svg(join_url)
    )


@require_GET
@login_or_admitted_device
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    return _facilitator_page(request, pk, Variant.FACILITATOR, "sessions/facilitator.html", socket_path(pk))


@require_GET
@login_or_admitted_device
def presenter(request: HttpRequest, pk: int) -> HttpResponse:
    socket = socket_path(pk, Audience.PRESENTER)
    return _facilitator_page(request, pk, Variant.PRESENTER, "sessions/presenter.html", socket)


def _meeting_to_command(pk: int) -> Meeting:
    return Meeting.objects.select_related("method").get(pk=pk)


def _picked_person(request: HttpRequest, field: str, people):
    """The person picked in a list of `people`; None when the empty choice was picked."""
    chosen = request.POST.get(field, "")
    number = posted_number(chosen)
    person = people.filter(pk=number).first() if number is not None else None
    if chosen and person is None:
        raise CommandNotAllowed(_("Kies een deelnemer uit de lijst."))
    return person


def _set_case_owner(meeting: Meeting, request: HttpRequest, version: int) -> None:
    """The member picked in the case-owner list; empty means nobody yet (the model says who may)."""
    person = _picked_person(request, "case_owner", get_user_model().objects.all())
    actions.set_case_owner(meeting, person, version, request.user)


def _set_method(meeting: Meeting, request: HttpRequest, version: int) -> None:
    """The method picked in the lobby: a built-in one or the facilitator's own copy."""
    number = posted_number(request.POST.get("method", ""))
    methods = policy.methods_for(request.user)
    method = methods.filter(pk=number).first() if number is not None else None
    if method is None:
        raise CommandNotAllowed(_("Kies een werkvorm uit de lijst."))
    actions.set_method(meeting, method, version, request.user)


def _hand_controls(meeting: Meeting, request: HttpRequest, version: int) -> None:
    """The member picked to steer; empty means the facilitator takes the controls back."""
    person = _picked_person(request, "controller", meeting.group.members())
    actions.hand_controls(meeting, person, version, request.user)


CHOICE_COMMANDS = {"case_owner": _set_case_owner, "method": _set_method, "controls": _hand_controls}


def _run(write, request: HttpRequest) -> tuple[int, str]:
    """A write on the version the screen showed: (200, "") or the status and the reason."""
    version = posted_number(request.POST.get("version", ""))
    if version is None:
        return 400, _("Dit verzoek mist de versie van het scherm; herlaad de pagina.")
    try:
        write(version)
    except StaleVersion:
        return 409, _("De bijeenkomst was intussen al veranderd; dit is de actuele stand.")
    except CommandNotAllowed as error:
        return 409, str(error)
    return 200, ""


@require_POST
@login_or_admitted_device
def command(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one command on the version the steering screen showed: the facilitator's, or the
    phone of the member who has the controls (the choices stay the facilitator's).

    The meeting is loaded lean: a command is the start of every phase change's
    push, and its state goes out before anything is rendered (broadcast.command_applied).
    """
    meeting, viewer = policy.get_meeting_for_steering(request, pk, load=_meeting_to_command)
    if name not in actions.COMMANDS and name not in CHOICE_COMMANDS:
        raise Http404
    if name in CHOICE_COMMANDS:
        if not viewer.is_facilitator:
            raise PermissionDenied
        status, notice = _run(lambda version: CHOICE_COMMANDS[name](meeting, request, version), request)
    else:
        status, notice = _run(
            lambda version: actions.run_command(meeting, name, version, viewer.person), request
        )
    if not request.htmx:
        return redirect("meetings:facilitate" if viewer.is_facilitator else "meetings:participant", pk=pk)
    if status == 200:
        # The push redraws every screen, this one included: one path for the new state.
        return HttpResponse(status=204)
    if not viewer.is_facilitator:
        return HttpResponse(notice, status=status)  # shown beside the phone's controls
    meeting = Meeting.load(pk)
    context = broadcast.live_context(meeting, Variant.FACILITATOR, notice=notice)
    html = render_to_string("sessions/facilitator.html#phase_panel", context, request)
    return HttpResponse(html, status=status)


@require_POST
@login_or_admitted_device
def controls(request: HttpRequest, pk: int) -> HttpResponse:
    """A member takes the controls while the facilitator is away, or gives them back."""
    meeting, viewer = policy.get_meeting_for_viewer(request, pk, load=_meeting_to_command)
    if viewer.is_facilitator:
        raise PermissionDenied  # the facilitator hands them over with the "controls" command
    action = request.POST.get("action", "")
    if action == "take":
        status, notice = _run(lambda version: actions.take_controls(meeting, viewer.person, version), request)
    elif action == "return" and policy.steers(meeting, viewer):
        status, notice = _run(
            lambda version: actions.hand_controls(meeting, None, version, viewer.person), request
        )
    else:
        status, notice = 400, _("Dat kan hier niet.")
    if not request.htmx:
        return redirect("meetings:participant", pk=pk)
    return HttpResponse(status=204) if status == 200 else HttpResponse(notice, status=status)


@require_POST
@login_or_admitted_device
def decide_join(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    """Admit or refuse a waiting phone, or revoke an admitted one."""
    meeting = policy.get_meeting_for_facilitator(request, pk)
    join_request = get_object_or_404(
        JoinRequest,
        pk=request_id,
        meeting=meeting,
        status__in=[JoinRequest.Status.WAITING, JoinRequest.Status.ADMITTED],
    )
    admit = request.POST.get("decision") == "admit"
    if over_limit(f"admit:{meeting.pk}", *settings.ADMISSION_LIMIT):
        return HttpResponse(_("Even rustig aan: probeer het over een minuut opnieuw."), status=429)
    actions.decide_join(join_request, admit)
    if not request.htmx:
        return redirect("meetings:facilitate", pk=pk)
    context = broadcast.live_context(meeting, Variant.FACILITATOR)
    return HttpResponse(render_to_string("sessions/facilitator.html#presence_panel", context, request))


# --- joining ----------------------------------------------------------------


def _meeting_by_code(code: str) -> Meeting | None:
    return Meeting.objects.select_related("group").filter(join_code=code.strip().upper()).first()


def _wrong_code(request: HttpRequest) -> None:
    """Count a code that let nobody in (unknown, or its meeting not open) against the address."""
    over_limit(f"join-code:{address(request)}", *settings.JOIN_CODE_LIMIT)


def _too_many_wrong_codes(request: HttpRequest) -> HttpResponse | None:
    """After too many wrong codes from one address every code is refused for a while, so codes
    cannot be guessed; a group with the right code makes no wrong ones."""
    if not limit_reached(f"join-code:{address(request)}", settings.JOIN_CODE_LIMIT[0]):
        return None
    error = _(
        "Er zijn vanaf dit netwerk te veel verkeerde codes geprobeerd. "
        "Wacht tien minuten, of vraag de begeleider om de link."
    )
    return render(request, "sessions/join_code.html", {"code": "", "error": error}, status=429)


def _remember_device(request: HttpRequest, join_request: JoinRequest) -> None:
    devices = request.session.get(policy.DEVICE_SESSION_KEY, {})
    devices[str(join_request.meeting_id)] = join_request.pk
    request.session[policy.DEVICE_SESSION_KEY] = devices


@require_GET
def join_by_code(request: HttpRequest) -> HttpResponse:
    """The short code typed in by hand, for phones that cannot scan."""
    code = request.GET.get("code", "").strip().upper()
    error = ""
    if code:
        if refused := _too_many_wrong_codes(request):
            return refused
        meeting = _meeting_by_code(code)
        if meeting is not None and (policy.open_for_joining(meeting) or request.user.is_authenticated):
            return redirect("meetings:join", code=code)
        _wrong_code(request)
        error = _(
            "Deze code werkt nu niet. Controleer de code op het scherm van de begeleider; "
            "ze werkt alleen op de dag van de bijeenkomst."
        )
    return render(request, "sessions/join_code.html", {"code": code, "error": error})


def join(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code leads: members go straight in; other phones pick a name."""
    meeting = _meeting_by_code(code)
    pending = policy.device_request(request, meeting) if meeting else None
    if pending is None and not request.user.is_authenticated and (refused := _too_many_wrong_codes(request)):
        return refused
    if meeting is None:
        _wrong_code(request)
        raise Http404
    if meeting.status == Meeting.Status.CLOSED:
        return render(request, "sessions/join_closed.html", status=410)
    viewer = policy.viewer_for(meeting, request.user, request.session)
    if viewer:
        target = "meetings:facilitate" if viewer.is_facilitator else "meetings:participant"
        return redirect(target, pk=meeting.pk)
    if request.user.is_authenticated:
        raise refuse(group_access(meeting.group, request.user))  # logged in, but not in this group
    if not policy.open_for_joining(meeting):  # names are shown only while the meeting is open
        _wrong_code(request)
        return render(request, "sessions/join_closed.html", {"not_open": True}, status=404)
    if pending and pending.status == JoinRequest.Status.WAITING:
        return redirect("meetings:join-wait", code=meeting.join_code)

    members = meeting.group.members().order_by("first_name")
    error = ""
    if request.method == "POST":
        number = posted_number(request.POST.get("member", ""))
        chosen = members.filter(pk=number).first() if number is not None else None
        if chosen is None:
            error = _("Kies je naam uit de lijst.")
        elif over_limit(f"join:{meeting.pk}:{address(request)}", *settings.JOIN_REQUEST_LIMIT):
            error = _("Er zijn vanaf dit netwerk te veel aanmeldingen gedaan. Vraag de begeleider om hulp.")
        else:
            _remember_device(request, actions.request_join(meeting, chosen))
            return redirect("meetings:join-wait", code=meeting.join_code)
    context = {
        "meeting": meeting,
        "members": members,
        "error": error,
        "refused": pending is not None and pending.status == JoinRequest.Status.REFUSED,
    }
    return render(request, "sessions/join.html", context)


@require_GET
def join_wait(request: HttpRequest, code: str) -> HttpResponse:
    """A waiting phone's only page: it shows nothing of the meeting's state."""
    meeting = _meeting_by_code(code)
    pending = policy.device_request(request, meeting) if meeting else None
    if pending is None:
        return redirect("meetings:join", code=code)
    if pending.status != JoinRequest.Status.WAITING or meeting.status == Meeting.Status.CLOSED:
        target = reverse("meetings:join", args=[meeting.join_code])
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": target})
        return redirect(target)
    if request.htmx:
        return HttpResponse(status=204)  # still waiting; htmx polls again
    return render(request, "sessions/join_wait.html", {"meeting": meeting, "pending": pending})
