"""Does a traject live? Attendance, evaluation scores and signals for the four pitfalls.

Only counts, rates and scores: nothing here reads case content, so everything
it returns may be shown to a coordinator. Computed for many groups at once in
a fixed number of queries.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import IntervisionGroup, Membership

from . import charts
from .models import Attendance, Contribution, ContributionKind, Evaluation, Meeting

PITFALLS = {
    "busy": gettext_lazy("Drukke agenda"),
    "yield": gettext_lazy("Onbevredigende opbrengst"),
    "staff_meeting": gettext_lazy("Verkapt werkoverleg"),
    "kid_gloves": gettext_lazy("Fluwelen handschoenen"),
}


@dataclass
class Signal:
    pitfall: str
    key: str  # stable, so a coordinator is emailed about each signal once
    explanation: str

    @property
    def title(self) -> str:
        return str(PITFALLS[self.pitfall])


@dataclass
class MeetingStats:
    meeting: Meeting
    present: int = 0
    expected: int = 0
    cancelled: int = 0
    evaluations: int = 0
    scores: dict = field(default_factory=dict)  # score name -> average, for meetings with evaluations

    @property
    def rate(self) -> int | None:
        """Attendance in percent of the members, once the meeting was held."""
        if self.meeting.status != Meeting.Status.CLOSED or not self.expected:
            return None
        return round(100 * self.present / self.expected)


@dataclass
class GroupHealth:
    group: IntervisionGroup
    members: int
    meetings: list  # MeetingStats, every meeting that is not cancelled, in order
    cancellations: dict  # reason kind label -> count
    signals: list
    themes: list  # only when the group shares them
    member_ids: set

    @property
    def held(self) -> list:
        return [s for s in self.meetings if s.meeting.status == Meeting.Status.CLOSED]

    @property
    def next_meeting(self) -> Meeting | None:
        return next((s.meeting for s in self.meetings if s.meeting.is_upcoming), None)

    @property
    def average_rate(self) -> int | None:
        rates = [s.rate for s in self.held if s.rate is not None]
        return round(sum(rates) / len(rates)) if rates else None


def _percentages(values) -> str:
    return ", ".join(f"{value}%" for value in values)


def _date(meeting: Meeting, tz, format="j F") -> str:
    """The meeting's date where its group meets."""
    return formats.date_format(timezone.localtime(meeting.scheduled_start, tz), format)


def signals_for(stats: list, absences: dict, people: dict, tz) -> list[Signal]:
    """The four pitfalls, each with the rule that triggered it in plain words.

    `stats`: the held meetings in order; `absences`: meeting id -> ids of
    people recorded absent; `people`: the group's members, id -> name.
    """
    found = []
    window = settings.SIGNAL_ABSENT_IN_A_ROW
    last_two = stats[-2:]
    below = settings.SIGNAL_ATTENDANCE_BELOW
    if len(last_two) == 2 and all(s.rate is not None and s.rate < below for s in last_two):
        found.append(
            Signal(
                "busy",
                f"busy:rate:{last_two[-1].meeting.pk}",
                _("De opkomst was bij de laatste twee bijeenkomsten lager dan %(limit)s%% (%(rates)s).")
                % {"limit": below, "rates": _percentages(s.rate for s in last_two)},
            )
        )
    recent = stats[-window:]
    if len(recent) == window:
        missing = set.intersection(*(absences.get(s.meeting.pk, set()) for s in recent)) & set(people)
        for person_id in sorted(missing, key=people.get):
            found.append(
                Signal(
                    "busy",
                    f"busy:absent:{person_id}:{recent[-1].meeting.pk}",
                    _("%(name)s was de laatste %(count)s bijeenkomsten afwezig.")
                    % {"name": people[person_id], "count": window},
                )
            )
    evaluated = [s for s in stats if s.evaluations]
    if evaluated:
        last = evaluated[-1]
        limit = settings.SIGNAL_SCORE_BELOW
        rules = [
            ("yield", "helped", _("Nut voor de inbrenger")),
            ("yield", "depth", _("Diep genoeg doorgevraagd")),
            ("staff_meeting", "stayed", _("Bij intervisie gebleven, geen werkoverleg")),
            ("kid_gloves", "critical", _("Durven kritisch te zijn")),
        ]
        for pitfall, score, label in rules:
            average = last.scores.get(score)
            if average is not None and average < limit:
                found.append(
                    Signal(
                        pitfall,
                        f"{pitfall}:{score}:{last.meeting.pk}",
                        _(
                            "%(label)s: gemiddeld %(average)s van 5 in de evaluatie van %(date)s "
                            "(signaal onder %(limit)s)."
                        )
                        % {
                            "label": label,
                            "average": formats.number_format(average, 1),
                            "date": _date(last.meeting, tz),
                            "limit": formats.number_format(limit, 1),
                        },
                    )
                )
    return found


def group_health(groups) -> list[GroupHealth]:
    """Health of each group, in a fixed number of queries however many groups, members and meetings."""
    groups = list(
        IntervisionGroup.objects.filter(pk__in=[g.pk for g in groups]).annotate(
            member_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MEMBER))
        )
    )
    group_ids = [g.pk for g in groups]
    meetings = list(
        Meeting.objects.filter(group_id__in=group_ids)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("facilitator")
        .order_by("scheduled_start")
    )
    stats = {m.pk: MeetingStats(meeting=m) for m in meetings}
    members_of = {g.pk: g.member_count for g in groups}
    for m in meetings:
        stats[m.pk].expected = members_of[m.group_id]

    absences = defaultdict(set)
    cancellations = defaultdict(Counter)
    attendance = Attendance.objects.filter(meeting__group_id__in=group_ids)
    for meeting_id, group_id, user_id, present, response, reason_kind in attendance.values_list(
        "meeting_id", "meeting__group_id", "user_id", "present", "response", "reason_kind"
    ):
        record = stats.get(meeting_id)
        if record is None:
            continue  # a cancelled meeting
        if present:
            record.present += 1
        elif present is False:
            absences[meeting_id].add(user_id)
        if response == Attendance.Response.CANCELLED:
            record.cancelled += 1
            label = Attendance.ReasonKind(reason_kind).label if reason_kind else _("zonder soort")
            cancellations[group_id][str(label)] += 1

    scores = (
        Evaluation.objects.filter(meeting_id__in=list(stats))
        .values("meeting_id")
        .annotate(count=Count("pk"), **{name: Avg(name) for name in Evaluation.SCORES})
    )
    for row in scores:
        record = stats[row["meeting_id"]]
        record.evaluations = row["count"]
        record.scores = {name: row[name] for name in Evaluation.SCORES}

    people = defaultdict(dict)  # group id -> {member id: name}
    for group_id, user_id, first, last in Membership.objects.filter(
        group_id__in=group_ids, role=Membership.Role.MEMBER
    ).values_list("group_id", "user_id", "user__first_name", "user__last_name"):
        people[group_id][user_id] = f"{first} {last}".strip()
    themes = defaultdict(list)
    sharing = [g.pk for g in groups if g.share_themes]
    if sharing:
        for group_id, text in Contribution.objects.filter(
            meeting__group_id__in=sharing, kind=ContributionKind.THEME, revealed_at__isnull=False
        ).values_list("meeting__group_id", "text"):
            themes[group_id].append(text)

    result = []
    for group in groups:
        mine = [stats[m.pk] for m in meetings if m.group_id == group.pk]
        held = [s for s in mine if s.meeting.status == Meeting.Status.CLOSED]
        result.append(
            GroupHealth(
                group=group,
                members=group.member_count,
                meetings=mine,
                cancellations=dict(cancellations[group.pk].most_common()),
                signals=signals_for(held, absences, people[group.pk], group.tz),
                themes=themes[group.pk],
                member_ids=set(people[group.pk]),
            )
        )
    return result


# --- charts of a group's health ---------------------------------------------

SCORE_LABELS = {
    "helped": gettext_lazy("nut"),
    "depth": gettext_lazy("diepgang"),
    "safe": gettext_lazy("veiligheid"),
    "stayed": gettext_lazy("intervisie gebleven"),
    "critical": gettext_lazy("kritisch"),
}


def attendance_chart(health, name: str):
    return charts.bars(
        name,
        _("Opkomst per bijeenkomst (%)"),
        [(_date(s.meeting, health.group.tz, "j M"), s.rate) for s in health.held],
        low_below=settings.SIGNAL_ATTENDANCE_BELOW,
    )


def evaluation_chart(health, name: str):
    evaluated = [s for s in health.held if s.evaluations]
    return charts.lines(
        name,
        _("Evaluatie per bijeenkomst (gemiddeld, 1–5)"),
        [_date(s.meeting, health.group.tz, "j M") for s in evaluated],
        [(str(SCORE_LABELS[score]), [s.scores.get(score) for s in evaluated]) for score in Evaluation.SCORES],
    )
