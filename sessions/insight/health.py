"""Does a traject live? Attendance, evaluation scores and signals for the four pitfalls.

Only counts, rates and scores: nothing here reads case content, so everything
it returns may be shown to a coordinator. Computed for many groups at once in
a fixed number of queries.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import IntervisionGroup, Membership

from ..models import Attendance, Contribution, ContributionKind, Evaluation, Meeting
from . import charts

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


# A figure a coordinator sees counts at least this many people: with fewer, one person's scores
# could be read off a chart, or who was ill off a count of reasons next to the register.
MIN_PEOPLE = 3
MIN_EVALUATIONS = MIN_PEOPLE


@dataclass
class MeetingStats:
    meeting: Meeting
    expected: set = field(default_factory=set)  # current members who were in the group by then
    present: set = field(default_factory=set)
    cancelled: int = 0
    evaluations: int = 0
    cancelled_by: set = field(default_factory=set)
    scores: dict = field(default_factory=dict)  # score name -> average, from MIN_EVALUATIONS on

    @property
    def held(self) -> bool:
        return self.meeting.status == Meeting.Status.CLOSED

    @property
    def cancelled_shown(self) -> int | None:
        """The number of cancellations, where at least MIN_PEOPLE cancelled (else None: "—")."""
        return self.cancelled if len(self.cancelled_by) >= MIN_PEOPLE else None

    @property
    def absent(self) -> set:
        return self.expected - self.present if self.held else set()

    @property
    def rate(self) -> int | None:
        """Attendance in percent of the members, once the meeting was held."""
        if not self.held or not self.expected:
            return None
        return round(100 * len(self.present) / len(self.expected))


@dataclass
class GroupHealth:
    group: IntervisionGroup
    members: dict  # member id -> name
    meetings: list  # MeetingStats of every meeting that is not cancelled, in order
    not_held: list  # past meetings that were cancelled or never started
    cancellations: dict  # reason kind label -> count, for the kinds at least MIN_PEOPLE people gave
    cancellations_withheld: bool  # cancellations of other kinds, too few people to show
    themes: list  # only when the group shares them
    cancelled: list = field(default_factory=list)  # every cancelled meeting, in order: never held
    signals: list = field(default_factory=list)

    @property
    def held(self) -> list:
        return [s for s in self.meetings if s.held]

    @property
    def rows(self) -> list:
        """Every meeting in order, the cancelled ones too (marked by their status, counted nowhere)."""
        cancelled = [MeetingStats(meeting=meeting) for meeting in self.cancelled]
        return sorted(self.meetings + cancelled, key=lambda s: s.meeting.scheduled_start)

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


def _streak_start(held: list, test) -> MeetingStats:
    """The first meeting of the run at the end of `held` for which `test` holds: a signal's key,
    so a pattern that goes on is one signal, not a new one every meeting."""
    start = held[-1]
    for stats in reversed(held):
        if not test(stats):
            break
        start = stats
    return start


def signals_for(health: GroupHealth) -> list[Signal]:
    """The four pitfalls, each with the rule that triggered it in plain words."""
    found = []
    held, tz = health.held, health.group.tz
    below = settings.SIGNAL_ATTENDANCE_BELOW
    if len(held) >= 2 and all(s.rate is not None and s.rate < below for s in held[-2:]):
        start = _streak_start(held, lambda s: s.rate is not None and s.rate < below)
        found.append(
            Signal(
                "busy",
                f"busy:rate:{start.meeting.pk}",
                _("De opkomst was bij de laatste twee bijeenkomsten lager dan %(limit)s%% (%(rates)s).")
                % {"limit": below, "rates": _percentages(s.rate for s in held[-2:])},
            )
        )
    window = settings.SIGNAL_ABSENT_IN_A_ROW
    if len(held) >= window:
        missing = set.intersection(*(s.absent for s in held[-window:])) & set(health.members)
        for person_id in sorted(missing, key=health.members.get):
            start = _streak_start(held, lambda s, person_id=person_id: person_id in s.absent)
            found.append(
                Signal(
                    "busy",
                    f"busy:absent:{person_id}:{start.meeting.pk}",
                    _("%(name)s was de laatste %(count)s bijeenkomsten afwezig.")
                    % {"name": health.members[person_id], "count": window},
                )
            )
    for meeting in health.not_held[-1:]:
        if not held or meeting.scheduled_start > held[-1].meeting.scheduled_start:
            found.append(
                Signal(
                    "busy",
                    f"busy:not_held:{meeting.pk}",
                    _("De bijeenkomst van %(date)s ging niet door.") % {"date": _date(meeting, tz)},
                )
            )
    last = held[-1] if held else None
    if last is not None and last.scores:
        limit = settings.SIGNAL_SCORE_BELOW
        rules = [
            ("yield", "helped", _("Nut voor de inbrenger")),
            ("yield", "depth", _("Diep genoeg doorgevraagd")),
            ("staff_meeting", "stayed", _("Bij intervisie gebleven, geen werkoverleg")),
            ("kid_gloves", "critical", _("Durven kritisch te zijn")),
        ]
        for pitfall, score, label in rules:
            average = last.scores[score]
            if average < limit:
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
    groups = list(IntervisionGroup.objects.filter(pk__in=[g.pk for g in groups]))
    group_ids = [g.pk for g in groups]
    people = defaultdict(dict)  # group id -> {member id: name}
    joined = {}
    for group_id, user_id, first, last, joined_at in Membership.objects.filter(
        group_id__in=group_ids, role=Membership.Role.MEMBER
    ).values_list("group_id", "user_id", "user__first_name", "user__last_name", "joined_at"):
        people[group_id][user_id] = f"{first} {last}".strip()
        joined[group_id, user_id] = joined_at

    now = timezone.now()
    stats, not_held, cancelled = {}, defaultdict(list), defaultdict(list)
    for meeting in (
        Meeting.objects.filter(group_id__in=group_ids)
        .select_related("facilitator")
        .order_by("scheduled_start")
    ):
        never_started = meeting.status == Meeting.Status.SCHEDULED and meeting.scheduled_end < now
        if meeting.status == Meeting.Status.CANCELLED or never_started:
            if meeting.scheduled_start < now:
                not_held[meeting.group_id].append(meeting)
            if meeting.status == Meeting.Status.CANCELLED:
                cancelled[meeting.group_id].append(meeting)
                continue
        expected = {
            pk for pk in people[meeting.group_id] if joined[meeting.group_id, pk] <= meeting.scheduled_end
        }
        stats[meeting.pk] = MeetingStats(meeting=meeting, expected=expected)

    cancellations, cancelling = defaultdict(Counter), defaultdict(lambda: defaultdict(set))
    for pk, meeting_id, group_id, user_id, present, response, reason_kind in Attendance.objects.filter(
        meeting_id__in=list(stats)
    ).values_list("pk", "meeting_id", "meeting__group_id", "user_id", "present", "response", "reason_kind"):
        record = stats[meeting_id]
        # A current member with a record was expected, whenever they joined; so was somebody
        # whose account is gone since (their record stays, without them): figures never change.
        person = user_id if user_id is not None else ("former", pk)
        if user_id is None or user_id in people[group_id]:
            record.expected.add(person)
            if present:
                record.present.add(person)
        if response == Attendance.Response.CANCELLED:
            record.cancelled += 1
            record.cancelled_by.add(person)
            label = str(Attendance.ReasonKind(reason_kind).label if reason_kind else _("zonder soort"))
            cancellations[group_id][label] += 1
            cancelling[group_id][label].add(user_id)

    for row in (
        Evaluation.objects.filter(meeting_id__in=list(stats))
        .values("meeting_id")
        .annotate(count=Count("pk"), **{name: Avg(name) for name in Evaluation.SCORES})
    ):
        record = stats[row["meeting_id"]]
        record.evaluations = row["count"]
        if row["count"] >= MIN_EVALUATIONS:
            record.scores = {name: row[name] for name in Evaluation.SCORES}

    themes = defaultdict(list)
    sharing = [g.pk for g in groups if g.share_themes]
    if sharing:
        for group_id, text in Contribution.objects.filter(
            meeting__group_id__in=sharing, kind=ContributionKind.THEME, revealed_at__isnull=False
        ).values_list("meeting__group_id", "text"):
            themes[group_id].append(text)

    result = []
    for group in groups:
        health = GroupHealth(
            group=group,
            members=people[group.pk],
            meetings=[s for s in stats.values() if s.meeting.group_id == group.pk],
            not_held=not_held[group.pk],
            cancellations={
                label: count
                for label, count in cancellations[group.pk].most_common()
                if len(cancelling[group.pk][label]) >= MIN_PEOPLE
            },
            cancellations_withheld=any(len(people) < MIN_PEOPLE for people in cancelling[group.pk].values()),
            themes=themes[group.pk],
            cancelled=cancelled[group.pk],
        )
        health.signals = signals_for(health)
        result.append(health)
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
    evaluated = [s for s in health.held if s.scores]
    return charts.lines(
        name,
        _("Evaluatie per bijeenkomst (gemiddeld, 1–5)"),
        [_date(s.meeting, health.group.tz, "j M") for s in evaluated],
        [(str(SCORE_LABELS[score]), [s.scores.get(score) for s in evaluated]) for score in Evaluation.SCORES],
    )


STAGES = {
    "guided": gettext_lazy("Begeleid: de begeleider van de groep leidt de bijeenkomsten."),
    "handing_over": gettext_lazy("Overdracht: deelnemers begeleiden om beurten een bijeenkomst."),
    "autonomous": gettext_lazy("Zelfstandig: de groep begeleidt zichzelf."),
}


def traject_stage(group: IntervisionGroup, meetings: list[Meeting], member_ids=None) -> dict:
    """Where the group is on the path from guided to autonomous meetings.

    Counts the meetings held and the next one: autonomous once the last two of
    those are facilitated by members; handing over once any is; guided before.
    """
    if member_ids is None:
        member_ids = set(group.members().values_list("pk", flat=True))
    held = [m for m in meetings if m.status in (Meeting.Status.LIVE, Meeting.Status.CLOSED)]
    upcoming = [m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.is_upcoming]
    current = held + upcoming[:1]
    by_members = [m for m in current if m.facilitator_id in member_ids]
    if len(current) >= 2 and all(m.facilitator_id in member_ids for m in current[-2:]):
        key = "autonomous"
    elif by_members:
        key = "handing_over"
    else:
        key = "guided"
    return {"key": key, "text": STAGES[key], "by_members": len(by_members), "total": len(current)}
