"""What members do in the live meeting: contribute, vote, evaluate; and what the facilitator and
the case owner do with it: mark questions asked, reveal written-first contributions."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intervisie.limits import over_limit

from .. import policy
from ..cases import coach
from ..live import broadcast
from ..models import CaseVote, CommandNotAllowed, Contribution, ContributionKind, Meeting, PhaseStep


def contribute(meeting: Meeting, viewer: policy.Viewer, kind: str, text: str, client_key: str) -> str:
    """Store a contribution under the phase's rules; returns why it was refused, or "".

    A phone resending what it kept while offline (the same `client_key`) is stored once, counted once.
    """
    mine = meeting.contributions.filter(author=viewer.person)
    if client_key and mine.filter(client_key=client_key).exists():
        return ""
    if problem := policy.contribution_refusal(meeting, viewer, kind, text):
        return problem
    if over_limit(f"contribute:{meeting.pk}:{viewer.person.pk}", *settings.CONTRIBUTION_LIMIT):
        return _("Je stuurt veel achter elkaar. Wacht een minuut; je tekst blijft staan.")
    verdict = coach.judge(text) if kind == ContributionKind.QUESTION else None
    now = timezone.now()
    try:
        with transaction.atomic():
            Contribution.objects.create(
                meeting=meeting,
                round=meeting.round,
                case_id=meeting.case_id,
                case_owner_id=meeting.case_owner_id,
                phase=meeting.phase,
                kind=kind,
                author=viewer.person,
                text=text.strip(),
                created_at=now,
                # Shared with the group at once, unless the phase writes first and reveals together.
                revealed_at=None if meeting.current_phase.reveal_together else now,
                open_question=verdict.is_open if verdict else None,
                client_key=client_key,
            )
    except IntegrityError:
        pass  # the same text sent twice at once (a phone back online): stored once
    broadcast.contributions_changed(meeting.pk)
    return ""


def mark_asked(meeting: Meeting, question: Contribution) -> None:
    """A question in the case owner's queue is asked (or, pressed again, not yet)."""
    if not meeting.is_live:
        raise CommandNotAllowed(_("De bijeenkomst loopt niet."))
    question.asked_at = None if question.asked_at else timezone.now()
    question.save(update_fields=["asked_at"])
    broadcast.contributions_changed(meeting.pk)


def reveal(meeting: Meeting) -> None:
    """Write first, reveal together: this phase's contributions are shown at once."""
    meeting.round_contributions().filter(phase=meeting.phase, revealed_at__isnull=True).update(
        revealed_at=timezone.now()
    )
    broadcast.contributions_changed(meeting.pk)


def vote(meeting: Meeting, viewer: policy.Viewer, case) -> None:
    """A member's vote for a brought case; voting again moves the vote."""
    if not policy.in_step(meeting, PhaseStep.CHOOSE):
        raise CommandNotAllowed(policy.NOT_NOW)
    CaseVote.objects.update_or_create(
        meeting=meeting, round=meeting.round, voter=viewer.person, defaults={"case": case}
    )
    broadcast.contributions_changed(meeting.pk)


def evaluate(meeting: Meeting, viewer: policy.Viewer, form) -> bool:
    """The member's evaluation of this round (sent again, it replaces the first); False if invalid."""
    if not policy.in_step(meeting, PhaseStep.EVALUATE):
        raise CommandNotAllowed(policy.NOT_NOW)
    if not form.is_valid():
        return False
    evaluation = form.save(commit=False)
    evaluation.meeting, evaluation.round, evaluation.author = meeting, meeting.round, viewer.person
    evaluation.save()
    broadcast.contributions_changed(meeting.pk)
    return True
