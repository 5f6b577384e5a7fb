"""A person's own data (AVG/GDPR): download it as JSON, or delete the account.

Deleting keeps what the person wrote for their group, anonymised (no author),
and deletes their own cases and everything that is only about them.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from groups.models import AgreementAcceptance, Invitation, Membership, MembershipChange
from intervisie.passwords import PasswordChangeForm
from sessions.actions.access import end_access_everywhere
from sessions.models import (
    Attendance,
    CalendarFeed,
    Case,
    CaseVote,
    Contribution,
    Evaluation,
    JoinRequest,
    Meeting,
    Method,
    PhaseTransition,
    SignalNotice,
)

# Every link from a stored row to a person, and where the export holds it, or why not
# (tests/test_privacy.py fails when a model gains a link to a person that is in neither).
EXPORTED = {
    ("groups.Membership", "user"): "groups",
    ("groups.AgreementAcceptance", "user"): "agreements_accepted",
    ("groups.IntervisionGroup", "coordinators"): "coordinated_groups",
    ("groups.MembershipChange", "by"): "group_changes_made",
    ("meetings.Attendance", "user"): "attendance",
    ("meetings.Case", "owner"): "cases",
    ("meetings.Contribution", "author"): "contributions",
    ("meetings.Evaluation", "author"): "evaluations",
    ("meetings.CaseVote", "voter"): "votes",
    ("meetings.Meeting", "facilitator"): "facilitated_meetings",
    ("meetings.Method", "created_by"): "methods",
    ("meetings.CalendarFeed", "user"): "calendar_feed",
    ("meetings.JoinRequest", "user"): "phones",
    ("meetings.PhaseTransition", "by"): "commands_given",
    ("meetings.SignalNotice", "user"): "signals_emailed",
}
NOT_EXPORTED = {
    ("meetings.Connection", "user"): "an open socket, deleted when it closes",
    ("meetings.Meeting", "case_owner"): "the live round's case owner: the case is under cases",
    ("meetings.Contribution", "case_owner"): "whose round another's text was written in: not theirs",
    ("meetings.Meeting", "turn"): "whose turn it is in a live round, for a moment",
    ("meetings.Meeting", "controller"): "who steers a live meeting in the facilitator's place, for a moment",
}


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def personal_data(user) -> dict:
    """Everything stored about this person, and what they wrote; nothing of what others wrote."""
    return {
        "account": {
            "name": user.get_full_name(),
            "email": user.email,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "groups": [
            {"group": m.group.name, "role": m.get_role_display(), "since": _when(m.joined_at)}
            for m in Membership.objects.filter(user=user).select_related("group")
        ],
        "agreements_accepted": [
            {"group": a.group.name, "version": a.version, "at": _when(a.accepted_at)}
            for a in AgreementAcceptance.objects.filter(user=user).select_related("group")
        ],
        "attendance": [
            {
                "group": a.meeting.group.name,
                "meeting": _when(a.meeting.scheduled_start),
                "response": a.response,
                "reason_kind": a.reason_kind,
                "reason": a.reason,
                "present": a.present,
            }
            for a in Attendance.objects.filter(user=user).select_related("meeting__group")
        ],
        "cases": [
            {
                "group": c.group.name,
                "status": c.status,
                "title": c.title,
                "situation": c.situation,
                "question": c.question,
                "tried": c.tried,
                "reformulation": c.reformulation,
                "action": c.action,
                "follow_up": c.follow_up,
                "created": _when(c.created_at),
            }
            for c in Case.objects.filter(owner=user).select_related("group")
        ],
        "contributions": [
            {"meeting": _when(c.meeting.scheduled_start), "phase": c.phase, "kind": c.kind, "text": c.text}
            for c in Contribution.objects.filter(author=user).select_related("meeting")
        ],
        "evaluations": [
            {
                "meeting": _when(e.meeting.scheduled_start),
                **{name: getattr(e, name) for name in Evaluation.SCORES},
                "take_away": e.take_away,
            }
            for e in Evaluation.objects.filter(author=user).select_related("meeting")
        ],
        # Which case one voted for is left out: its title is the case owner's, not one's own.
        "votes": [
            {"group": v.meeting.group.name, "meeting": _when(v.meeting.scheduled_start), "round": v.round}
            for v in CaseVote.objects.filter(voter=user).select_related("meeting__group")
        ],
        "facilitated_meetings": [
            {"group": m.group.name, "meeting": _when(m.scheduled_start), "status": m.status}
            for m in Meeting.objects.filter(facilitator=user).select_related("group")
        ],
        "methods": [
            {
                "name": m.name_nl,
                "name_en": m.name_en,
                "phases": [{"name": p.name_nl, "minutes": p.minutes} for p in m.phases.all()],
            }
            for m in Method.objects.filter(created_by=user).prefetch_related("phases")
        ],
        "calendar_feed": [
            {"token": f.token, "created": _when(f.created_at)} for f in CalendarFeed.objects.filter(user=user)
        ],
        "phones": [
            {
                "meeting": _when(j.meeting.scheduled_start),
                "status": j.status,
                "asked": _when(j.created_at),
                "decided": _when(j.decided_at),
            }
            for j in JoinRequest.objects.filter(user=user).select_related("meeting")
        ],
        "commands_given": [
            {"meeting": _when(t.meeting.scheduled_start), "command": t.command, "at": _when(t.at)}
            for t in PhaseTransition.objects.filter(by=user).select_related("meeting")
        ],
        "coordinated_groups": [group.name for group in user.coordinated_groups.all()],
        "group_changes_made": [
            {"group": c.group.name, "change": c.kind, "role": c.role, "at": _when(c.at)}
            for c in MembershipChange.objects.filter(by=user).select_related("group")
        ],
        "invitations": [
            {"group": i.group.name, "sent": _when(i.sent_at), "accepted": _when(i.accepted_at)}
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("group")
        ],
        "signals_emailed": [
            {"signal": s.key, "sent": _when(s.sent_at)} for s in SignalNotice.objects.filter(user=user)
        ],
    }


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    body = json.dumps(personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="intervisie-{timezone.localdate():%Y-%m-%d}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Je wachtwoord, ter bevestiging"), widget=forms.PasswordInput
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Dat wachtwoord klopt niet."))
        return password


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Meetings still to come need their facilitator; held ones keep their date without the name.
    ahead = Meeting.objects.filter(
        facilitator=user,
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.LIVE],
        scheduled_end__gte=timezone.now(),
    )
    blocked = ahead.exists() or user.coordinated_groups.exists()
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and not blocked and form.is_valid():
        with transaction.atomic():
            end_access_everywhere(user, keep_session=request.session.session_key)  # other devices too
            # What they wrote for the group stays, without their name, and so do their attendance
            # and the cases the group discussed; their drafts and brought cases go.
            Case.objects.filter(owner=user).exclude(status=Case.Status.CHOSEN).delete()
            user.delete()  # contributions and evaluations: author set to empty
        logout(request)
        messages.success(request, _("Je account en je gegevens zijn verwijderd."))
        return redirect("login")
    return render(request, "registration/delete_account.html", {"form": form, "blocked": blocked})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, and every other login of the person ends at once, its sockets included."""

    form_class = PasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)  # this session stays logged in
        end_access_everywhere(self.request.user, keep_session=self.request.session.session_key)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and every login of the person ends at once (whoever knew the old password)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        end_access_everywhere(form.user)
        return response
