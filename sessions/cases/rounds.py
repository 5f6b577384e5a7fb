"""What the group produced in a round, for the live screens and the summary.

Everything here is case content: callers show it only to the meeting's
facilitator and to members who accepted the group's agreements.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from groups.policy import case_content_since

from .. import policy
from ..models import (
    Attendance,
    Case,
    CaseOwnerMode,
    CaseVote,
    Contribution,
    ContributionKind,
    Evaluation,
    Meeting,
)
from ..policy import Screen, Variant


@dataclass
class EvaluationResults:
    count: int = 0
    averages: list = field(default_factory=list)  # (question, average 1–5 or None)
    take_aways: list = field(default_factory=list)
    by: list = field(default_factory=list)  # who filled it in (ids), so a phone knows it is done


def evaluation_results(meeting: Meeting, round_: int) -> EvaluationResults:
    evaluations = Evaluation.objects.filter(meeting=meeting, round=round_)
    scores = evaluations.aggregate(count=Count("pk"), **{name: Avg(name) for name in Evaluation.SCORES})
    return EvaluationResults(
        count=scores["count"],
        averages=[(question, scores[name]) for name, question in Evaluation.SCORES.items()],
        # Ordered so that neither list can be matched to the other: never with names.
        take_aways=sorted(text for text in evaluations.values_list("take_away", flat=True) if text),
        by=sorted(evaluations.exclude(author=None).values_list("author_id", flat=True)),
    )


def brought_cases(meeting: Meeting) -> list[Case]:
    """The cases to choose from in this round, each with its votes, in the order they were
    brought: votes change the counts, never the places (a click lands where it was aimed)."""
    cases = list(
        meeting.cases.filter(status__in=[Case.Status.BROUGHT, Case.Status.CHOSEN])
        .exclude(round__lt=meeting.round)  # treated in an earlier round
        .select_related("owner")
        .order_by("created_at", "pk")
    )
    votes = CaseVote.objects.filter(meeting=meeting, round=meeting.round).values_list("case_id", "voter_id")
    voters = {}
    for case_id, voter_id in votes:
        voters.setdefault(case_id, []).append(voter_id)
    for case in cases:
        case.voter_ids = voters.get(case.pk, [])
    return cases


def look_back(meeting: Meeting) -> list[Case]:
    """The cases of the group's previous meeting: what did their owners do with them?"""
    previous = (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            status=Meeting.Status.CLOSED,
            scheduled_start__lt=meeting.scheduled_start,
        )
        .order_by("-scheduled_start")
        .first()
    )
    if previous is None:
        return []
    cases = previous.cases.filter(status=Case.Status.CHOSEN).select_related("owner", "meeting")
    return list(cases.order_by("round"))


@dataclass
class Round:
    number: int
    case: Case | None
    questions: int
    open_questions: int
    shared: list  # what the group saw: revealed advice, associations, observations
    themes: list
    evaluation: EvaluationResults


def summary(meeting: Meeting) -> list[Round]:
    """Per round: the case, how it was questioned, the advice with the owner's choices, themes, evaluation."""
    contributions = list(meeting.contributions.select_related("author"))
    cases = {case.round: case for case in meeting.cases.filter(status=Case.Status.CHOSEN)}
    rounds = []
    for number in range(1, meeting.round + 1):
        case = cases.get(number)
        # The case treated in the round; what was written for a case or case owner left is not.
        owner_id = meeting.case_owner_id if case is None and number == meeting.round else None
        mine = [
            c
            for c in contributions
            if c.round == number
            and c.case_id == (case.pk if case else None)
            and (owner_id is None or c.case_owner_id == owner_id)
        ]
        questions = Counter(c.open_question for c in mine if c.kind == ContributionKind.QUESTION)
        rounds.append(
            Round(
                number=number,
                case=case,
                questions=sum(questions.values()),
                open_questions=questions[True],
                shared=[
                    c
                    for c in mine
                    if c.revealed_at and c.kind not in (ContributionKind.QUESTION, ContributionKind.THEME)
                ],
                themes=[c for c in mine if c.kind == ContributionKind.THEME and c.revealed_at],
                evaluation=evaluation_results(meeting, number),
            )
        )
    return rounds


def group_themes(group, visible_to=None) -> list[Contribution]:
    """The themes the group's cases raised, newest meeting first: they stay visible across meetings.

    With `visible_to`, only those of the meetings that person may see (policy.sees_case_content).
    """
    themes = list(
        Contribution.objects.filter(
            meeting__group=group, kind=ContributionKind.THEME, revealed_at__isnull=False
        )
        .select_related("meeting", "author")
        .order_by("-meeting__scheduled_start", "created_at")
    )
    if visible_to is None:
        return themes
    since = case_content_since(group, visible_to)
    return [theme for theme in themes if policy.content_visible(theme.meeting, visible_to, since)]


def _shared_work(meeting: Meeting) -> dict:
    """What every variant's work panel is made from: queried once per loaded meeting.

    A push renders several variants in two languages from one loaded meeting;
    they share these rows instead of each querying them again.
    """
    if not hasattr(meeting, "_shared_work"):
        shows = policy.screens(meeting)
        shared = {
            "contributions": list(
                meeting.round_contributions().filter(phase=meeting.phase).select_related("author")
            )
        }
        if Screen.BROUGHT_CASES in shows:
            shared["brought_cases"] = brought_cases(meeting)
        if Screen.LOOK_BACK in shows:
            shared["look_back"] = look_back(meeting)
        if Screen.EVALUATION in shows:
            shared["evaluation"] = evaluation_results(meeting, meeting.round)
        if Screen.EARLIER_THEMES in shows:
            shared["earlier_themes"] = [t for t in group_themes(meeting.group) if t.meeting_id != meeting.pk][
                :12
            ]
        meeting._shared_work = shared
    return meeting._shared_work


def _screen_since(meeting: Meeting, variant: str):
    """policy.screen_since, asked once per loaded meeting for the facilitator's screen and once
    for the members' (a push renders several variants in two languages)."""
    key = Variant.FACILITATOR if variant == Variant.FACILITATOR else Variant.MEMBER
    cache = meeting.__dict__.setdefault("_screen_since", {})
    if key not in cache:
        cache[key] = policy.screen_since(meeting, key)
    return cache[key]


def live_work(meeting: Meeting, variant: str) -> dict:
    """The live screens' case work in the current phase, for one variant (never member_pending)."""
    phase = meeting.current_phase
    if phase is None:  # the method lost this phase during the meeting
        return {}
    shared = _shared_work(meeting)
    contributions = shared["contributions"]
    work = {"step": phase.step, **{key: value for key, value in shared.items() if key != "contributions"}}
    if "look_back" in work or "earlier_themes" in work:  # earlier meetings: not for who joined since
        since = _screen_since(meeting, variant)
        for key in ("look_back", "earlier_themes"):
            if key in work:
                work[key] = [item for item in work[key] if policy.reaches_back_to(item.meeting, since)]
    if variant == Variant.FACILITATOR:
        work["contributions"] = contributions
        work["open_questions"] = sum(1 for c in contributions if c.open_question)
        work["hidden_count"] = sum(1 for c in contributions if not c.revealed_at)
    else:
        work["shared"] = [c for c in contributions if policy.shared_with_group(c)]
        if variant == Variant.CASE_OWNER:
            work["writes_action"] = policy.case_owner_writes(meeting, "action", work["shared"])
            work["queue"] = [c for c in contributions if c.kind == ContributionKind.QUESTION]
            if phase.case_owner_mode == CaseOwnerMode.OUTSIDE:
                work["shared"] = []  # outside the circle: the summary shows it afterwards
    return work


def turn_taking(group, next_meeting: Meeting | None) -> dict:
    """Who brought a case when (owner and date, never the case), and who is next so everyone gets a turn.

    The suggestion: the members who brought a case least often and longest ago,
    leaving out who cancelled the next meeting or already brought a case into it;
    a meeting treats one or two cases.
    """
    members = list(group.members().order_by("first_name", "last_name"))
    chosen = list(
        Case.objects.filter(
            group=group,
            status=Case.Status.CHOSEN,
            meeting__status__in=[Meeting.Status.LIVE, Meeting.Status.CLOSED],
        )
        .select_related("owner", "meeting")
        .order_by("meeting__scheduled_start", "round")
    )
    counts = Counter(case.owner_id for case in chosen)
    last = {case.owner_id: case.meeting.scheduled_start for case in chosen}
    away = set()
    if next_meeting is not None:
        cancelled = next_meeting.attendances.filter(response=Attendance.Response.CANCELLED)
        away = set(cancelled.values_list("user_id", flat=True))
        away |= set(next_meeting.cases.exclude(status=Case.Status.DRAFT).values_list("owner_id", flat=True))
        away.add(next_meeting.facilitator_id)  # who facilitates brings no case
    candidates = sorted(
        (m for m in members if m.pk not in away),
        key=lambda m: (counts[m.pk], last.get(m.pk) is not None, last.get(m.pk), m.first_name),
    )
    return {
        "history": [
            (case.meeting, case.owner.get_full_name() if case.owner else _("een oud-deelnemer"))
            for case in chosen
        ],
        "counts": [(member, counts[member.pk]) for member in members],
        "suggestion": candidates[: Meeting.MAX_ROUNDS],
    }
