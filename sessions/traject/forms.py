from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Attendance
from .schedule import INTERVALS, MAX_DURATION, MAX_MEETINGS, MIN_DURATION, MIN_MEETINGS

# The browser's date and time pickers read and write ISO values, whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

DURATION_MESSAGE = format_lazy(
    gettext_lazy("Een bijeenkomst duurt {min} tot {max} minuten."),
    min=int(MIN_DURATION.total_seconds() // 60),
    max=int(MAX_DURATION.total_seconds() // 60),
)
COUNT_MESSAGE = format_lazy(
    gettext_lazy("Een traject heeft {min} tot {max} bijeenkomsten."), min=MIN_MEETINGS, max=MAX_MEETINGS
)


class ScheduleForm(forms.Form):
    first_date = forms.DateField(label=gettext_lazy("Eerste bijeenkomst"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=gettext_lazy("Begintijd"), widget=TIME_INPUT)
    interval = forms.ChoiceField(
        label=gettext_lazy("Hoe vaak"), choices=list(INTERVALS.items()), initial="2w"
    )
    duration = forms.IntegerField(
        label=gettext_lazy("Duur in minuten"),
        initial=120,
        min_value=int(MIN_DURATION.total_seconds() // 60),
        max_value=int(MAX_DURATION.total_seconds() // 60),
        help_text=gettext_lazy("Meestal 120 tot 150 minuten."),
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
    )
    count = forms.IntegerField(
        label=gettext_lazy("Aantal bijeenkomsten"),
        initial=7,
        min_value=MIN_MEETINGS,
        max_value=MAX_MEETINGS,
        error_messages={"min_value": COUNT_MESSAGE, "max_value": COUNT_MESSAGE},
    )
    place = forms.CharField(label=gettext_lazy("Plaats of videolink"), max_length=300, required=False)

    def clean_first_date(self):
        return within_planning_horizon(self.cleaned_data["first_date"])

    @property
    def duration_delta(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["duration"])


PLANNING_HORIZON = timedelta(days=2 * 365)


def within_planning_horizon(day):
    """A meeting's date: from today on, at most two years ahead (a typo such as 9999 is refused)."""
    today = timezone.localdate()
    if day < today:
        raise forms.ValidationError(_("Deze datum ligt in het verleden; kies een latere datum."))
    if day > today + PLANNING_HORIZON:
        raise forms.ValidationError(_("Plan hoogstens twee jaar vooruit; kies een eerdere datum."))
    return day


class MeetingEditForm(forms.Form):
    facilitator = forms.ModelChoiceField(
        label=gettext_lazy("Wie begeleidt"),
        queryset=None,
        help_text=gettext_lazy("De begeleider van de groep, of een deelnemer die deze keer begeleidt."),
    )
    date = forms.DateField(label=gettext_lazy("Datum"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=gettext_lazy("Begintijd"), widget=TIME_INPUT)
    duration = ScheduleForm.base_fields["duration"]
    place = forms.CharField(label=gettext_lazy("Plaats of videolink"), max_length=300, required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = get_user_model().objects.filter(memberships__group=group)
        self.fields["facilitator"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean_date(self):
        return within_planning_horizon(self.cleaned_data["date"])


class RsvpForm(forms.Form):
    response = forms.ChoiceField(choices=Attendance.Response.choices)
    reason_kind = forms.ChoiceField(
        label=gettext_lazy("Soort reden"), choices=[("", "—"), *Attendance.ReasonKind.choices], required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reden"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == Attendance.Response.CANCELLED:
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", _("Laat de groep weten waarom je er niet bij kunt zijn."))
            if not cleaned.get("reason_kind"):
                self.add_error("reason_kind", _("Kies wat voor reden het is."))
        else:
            cleaned["reason_kind"] = ""
        return cleaned
