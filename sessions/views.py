"""Pages and commands of a meeting: the facilitator's laptop, the presenter
screen, the participants' phones, and joining by QR code."""

from functools import partial, wraps

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intervisie.limits import address, over_limit

from . import broadcast
from .access import DEVICE_SESSION_KEY, Viewer, sees_case_content, variant_for, viewer_for
from .models import CommandNotAllowed, JoinRequest, Meeting, Method, StaleVersion
from .routing import socket_path


def login_or_admitted_device(view):
    """Visitors who are not logged in: an admitted phone goes on, a phone whose
    access ended goes back to the join page (which says why), others log in."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, pk, *args, **kwargs)
        request_id = request.session.get(DEVICE_SESSION_KEY, {}).get(str(pk))
        if not request_id:
            return redirect_to_login(request.get_full_path())
        device = JoinRequest.objects.filter(pk=request_id, meeting_id=pk).select_related("meeting").first()
        if device is None:
            raise Http404
        if device.status != JoinRequest.Status.ADMITTED or device.meeting.status == Meeting.Status.CLOSED:
            return redirect("meetings:join", code=device.meeting.join_code)
        return view(request, pk, *args, **kwargs)

    return wrapper


def _get_meeting_for_viewer(
    request: HttpRequest, pk: int, load=broadcast.load_meeting
) -> tuple[Meeting, Viewer]:
    """The meeting and who is asking; anyone outside the group gets a 404.

    `load` fetches the meeting: by default with everything a page renders.
    """
    try:
        meeting = load(pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    viewer = viewer_for(meeting, request.user, request.session)
    if viewer is None:
        raise Http404
    return meeting, viewer


def _get_meeting_for_facilitator(request: HttpRequest, pk: int, load=broadcast.load_meeting) -> Meeting:
    meeting, viewer = _get_meeting_for_viewer(request, pk, load)
    if not viewer.is_facilitator:
        raise PermissionDenied
    return meeting


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
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if viewer.is_facilitator:
        return redirect("meetings:facilitate", pk=pk)
    variant = variant_for(meeting, viewer, sees_case_content(meeting, viewer.person))
    return _live_page(
        request,
        meeting,
        variant,
        "sessions/participant.html",
        socket_path(pk),
        viewer=viewer,
    )


@require_GET
@login_or_admitted_device
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_facilitator(request, pk)
    join_url = _join_url(request, meeting)
    return _live_page(
        request,
        meeting,
        "facilitator",
        "sessions/facilitator.html",
        socket_path(pk),
        join_url=join_url,
        join_qr=_qr_svg(join_url),
    )


@require_GET
@login_or_admitted_device
def presenter(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting_for_facilitator(request, pk)
    join_url = _join_url(request, meeting)
    return _live_page(
        request,
        meeting,
        "presenter",
        "sessions/presenter.html",
        socket_path(pk, "presenter"),
        join_url=join_url,
        join_qr=_qr_svg(join_url),
    )


def posted_number(value: str) -> int | None:
    """A whole number typed or sent in a form field, or None ('¹' is a digit, yet no int)."""
    return int(value) if value.isdecimal() and len(value) <= 18 else None


def _meeting_to_command(pk: int) -> Meeting:
    return Meeting.objects.select_related("method").get(pk=pk)


COMMANDS = {
    "start": Meeting.start,
    "advance": Meeting.advance,
    "go_back": Meeting.go_back,
    "pause": Meeting.pause,
    "resume": Meeting.resume,
    "extend_1": partial(Meeting.extend, minutes=1),
    "extend_5": partial(Meeting.extend, minutes=5),
    "close": Meeting.close,
    "next_case": Meeting.next_case,
    "next_turn": Meeting.next_turn,
    "end_turns": Meeting.end_turns,
}


def _set_case_owner(meeting: Meeting, request: HttpRequest, version: int) -> None:
    """The member picked in the case-owner list; empty means nobody yet."""
    chosen = request.POST.get("case_owner", "")
    number = posted_number(chosen)
    person = get_user_model().objects.filter(pk=number).first() if number is not None else None
    if chosen and person is None:
        raise CommandNotAllowed(_("Kies een deelnemer uit de lijst."))
    meeting.set_case_owner(person, version, request.user)


def _set_method(meeting: Meeting, request: HttpRequest, version: int) -> None:
    """The method picked in the lobby: a built-in one or the facilitator's own copy."""
    number = posted_number(request.POST.get("method", ""))
    method = Method.available_to(request.user).filter(pk=number).first() if number is not None else None
    if method is None:
        raise CommandNotAllowed(_("Kies een werkvorm uit de lijst."))
    meeting.set_method(method, version, request.user)


CHOICE_COMMANDS = {"case_owner": _set_case_owner, "method": _set_method}


@require_POST
def command(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one facilitator command on the version the facilitator's screen showed.

    The meeting is loaded lean: a command is the start of every phase change's
    push, and its state goes out before anything is rendered (broadcast.command_applied).
    """
    meeting = _get_meeting_for_facilitator(request, pk, load=_meeting_to_command)
    if name not in COMMANDS and name not in CHOICE_COMMANDS:
        raise Http404
    version = posted_number(request.POST.get("version", ""))
    status, notice = 200, ""
    if version is None:
        status, notice = 400, _("Dit verzoek mist de versie van het scherm; herlaad de pagina.")
    else:
        try:
            if name in CHOICE_COMMANDS:
                CHOICE_COMMANDS[name](meeting, request, version)
            else:
                COMMANDS[name](meeting, version, request.user)
        except StaleVersion:
            status = 409
            notice = _("De bijeenkomst was intussen al veranderd; dit is de actuele stand.")
        except CommandNotAllowed as error:
            status, notice = 409, str(error)
    if not request.htmx:
        return redirect("meetings:facilitate", pk=pk)
    if status == 200:
        # The push redraws every screen, this one included: one path for the new state.
        return HttpResponse(status=204)
    meeting = broadcast.load_meeting(pk)
    context = broadcast.live_context(meeting, "facilitator", notice=notice)
    html = render_to_string("sessions/facilitator.html#phase_panel", context, request)
    return HttpResponse(html, status=status)


@require_POST
def decide_join(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    """Admit or refuse a waiting phone, or revoke an admitted one."""
    meeting = _get_meeting_for_facilitator(request, pk)
    join_request = get_object_or_404(
        JoinRequest,
        pk=request_id,
        meeting=meeting,
        status__in=[JoinRequest.Status.WAITING, JoinRequest.Status.ADMITTED],
    )
    admit = request.POST.get("decision") == "admit"
    if over_limit(f"admit:{meeting.pk}", *settings.ADMISSION_LIMIT):
        return HttpResponse(_("Even rustig aan: probeer het over een minuut opnieuw."), status=429)
    if not (admit and join_request.status == JoinRequest.Status.ADMITTED):
        join_request.decide(admit=admit)
    if not request.htmx:
        return redirect("meetings:facilitate", pk=pk)
    context = broadcast.live_context(meeting, "facilitator")
    return HttpResponse(render_to_string("sessions/facilitator.html#presence_panel", context, request))


# --- joining ----------------------------------------------------------------


def _meeting_by_code(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("group"), join_code=code.strip().upper())


def _device_request(request: HttpRequest, meeting: Meeting) -> JoinRequest | None:
    request_id = request.session.get(DEVICE_SESSION_KEY, {}).get(str(meeting.pk))
    if not request_id:
        return None
    return JoinRequest.objects.filter(pk=request_id, meeting=meeting).select_related("user").first()


@require_GET
def join_by_code(request: HttpRequest) -> HttpResponse:
    """The short code typed in by hand, for phones that cannot scan."""
    code = request.GET.get("code", "").strip().upper()
    error = ""
    if code:
        if Meeting.objects.filter(join_code=code).exists():
            return redirect("meetings:join", code=code)
        error = _("Deze code kennen we niet. Controleer de code op het scherm van de begeleider.")
    return render(request, "sessions/join_code.html", {"code": code, "error": error})


def join(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code leads: members go straight in; other phones pick a name."""
    meeting = _meeting_by_code(code)
    if meeting.status == Meeting.Status.CLOSED:
        return render(request, "sessions/join_closed.html", status=410)
    viewer = viewer_for(meeting, request.user, request.session)
    if viewer:
        target = "meetings:facilitate" if viewer.is_facilitator else "meetings:participant"
        return redirect(target, pk=meeting.pk)
    if request.user.is_authenticated:
        raise Http404  # logged in, but not in this group: nothing to see
    pending = _device_request(request, meeting)
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
            join_request = JoinRequest.objects.create(meeting=meeting, user=chosen)
            devices = request.session.get(DEVICE_SESSION_KEY, {})
            devices[str(meeting.pk)] = join_request.pk
            request.session[DEVICE_SESSION_KEY] = devices
            broadcast.presence_changed(meeting.pk)
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
    pending = _device_request(request, meeting)
    if pending is None:
        return redirect("meetings:join", code=meeting.join_code)
    if pending.status != JoinRequest.Status.WAITING or meeting.status == Meeting.Status.CLOSED:
        target = reverse("meetings:join", args=[meeting.join_code])
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": target})
        return redirect(target)
    if request.htmx:
        return HttpResponse(status=204)  # still waiting; htmx polls again
    return render(request, "sessions/join_wait.html", {"meeting": meeting, "pending": pending})
