import zoneinfo
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MAX_MEMBERS, MIN_MEMBERS, TIME_ZONES, Agreement, IntervisionGroup


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def parse_people(text: str) -> list[Person]:
    """One person a line: "Name <email>", "Name, email" or "Name email"; errors name the line."""
    people, errors, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        cleaned = line.replace("<", " ").replace(">", " ").replace(",", " ").replace(";", " ")
        words = cleaned.split()
        emails = [word for word in words if "@" in word]
        if len(emails) != 1:
            errors.append(_("Regel %(number)d: zet er precies één e-mailadres op.") % {"number": number})
            continue
        email = emails[0].lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("Regel %(number)d: %(email)s is geen geldig e-mailadres.")
                % {"number": number, "email": email}
            )
            continue
        name = " ".join(word for word in words if word != emails[0])
        if not name:
            errors.append(_("Regel %(number)d: zet de naam vóór het e-mailadres.") % {"number": number})
            continue
        if email in seen:
            errors.append(_("Regel %(number)d: %(email)s staat er al.") % {"number": number, "email": email})
            continue
        seen.add(email)
        people.append(Person(name[:150], email))
    if errors:
        raise ValidationError(errors)
    return people


class GroupForm(forms.ModelForm):
    facilitator_name = forms.CharField(
        label=gettext_lazy("Naam van de begeleider"), max_length=150, required=False
    )
    facilitator_email = forms.EmailField(label=gettext_lazy("E-mailadres van de begeleider"), required=False)
    members_text = forms.CharField(
        label=gettext_lazy("Deelnemers"),
        help_text=gettext_lazy(
            "Eén per regel: naam en e-mailadres, bijvoorbeeld: Anna de Vries, anna@example.org"
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    class Meta:
        model = IntervisionGroup
        fields = ["name", "description", "time_zone", "anonymous_contributions"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, draft: bool = False, coordinator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.coordinator = coordinator  # who saves the form
        self.fields["time_zone"].widget = forms.Select(choices=[(name, name) for name in TIME_ZONES])

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Kies een tijdzone uit de lijst.")) from None
        return value

    def clean_members_text(self) -> list[Person]:
        return parse_people(self.cleaned_data["members_text"])

    def clean(self):
        cleaned = super().clean()
        name, email = cleaned.get("facilitator_name", ""), cleaned.get("facilitator_email", "")
        if bool(name) != bool(email):
            self.add_error("facilitator_email", _("Vul naam én e-mailadres van de begeleider in."))
        members = cleaned.get("members_text")
        if members is not None and email and email.lower() in {person.email for person in members}:
            self.add_error(
                "facilitator_email",
                _("Een externe begeleider telt niet mee als deelnemer; haal het adres uit de lijst."),
            )
        self._no_hierarchy(members, email.lower())
        if not self.draft and members is not None:
            if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
                self.add_error(
                    "members_text",
                    _(
                        "Een intervisiegroep heeft %(min)d tot %(max)d deelnemers; dit zijn er %(count)d. "
                        "Pas de lijst aan of sla de groep op als concept."
                    )
                    % {"min": MIN_MEMBERS, "max": MAX_MEMBERS, "count": len(members)},
                )
            if not email:
                self.add_error(
                    "facilitator_email",
                    _("Een groep heeft een begeleider. Vul die in of sla de groep op als concept."),
                )
        return cleaned

    def _no_hierarchy(self, members, facilitator_email: str) -> None:
        """Peers are equal: a coordinator of the group never becomes one of its members, and its
        begeleider only when named so at the group's creation, or by another coordinator before
        the first meeting (a trainer often sets a group up and guides its first meetings)."""
        coordinators = {self.coordinator.email.lower()} if self.coordinator else set()
        existing = self.instance.pk is not None
        if existing:
            coordinators |= {
                address.lower() for address in self.instance.coordinators.values_list("email", flat=True)
            }
        taken = sorted(person.email for person in members or [] if person.email in coordinators)
        if taken:
            self.add_error(
                "members_text",
                _(
                    "%(emails)s coördineert deze groep en wordt er geen deelnemer van: "
                    "in intervisie zijn de deelnemers gelijken."
                )
                % {"emails": ", ".join(taken)},
            )
        current = self.instance.facilitator if existing else None
        if not existing or facilitator_email not in coordinators:
            return
        if current is not None and current.email.lower() == facilitator_email:
            return  # unchanged
        by_themselves = self.coordinator is not None and self.coordinator.email.lower() == facilitator_email
        started = self.instance.meetings.filter(scheduled_start__lte=timezone.now()).exists()
        if by_themselves or started:
            self.add_error(
                "facilitator_email",
                _(
                    "Een coördinator wordt alleen begeleider van de groep bij het aanmaken ervan, of "
                    "door een andere coördinator vóór de eerste bijeenkomst."
                ),
            )


class TextField(forms.CharField):
    """A textarea's text with the browser's \\r\\n line ends made \\n, so an
    unchanged text compares equal to the stored one."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "text"]
        field_classes = {"text": TextField}
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "title": {"required": gettext_lazy("Geef deze afspraak een titel.")},
            "text": {"required": gettext_lazy("Schrijf op wat jullie afspreken.")},
        }


class BaseAgreementFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Only this group's agreements; Django's default would accept any agreement's id.
        form.fields["id"].queryset = self.get_queryset()
        form.fields["id"].error_messages["invalid_choice"] = gettext_lazy(
            "Deze afspraak bestaat niet meer; misschien is ze net verwijderd. Laad de pagina opnieuw."
        )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Deze afspraak verwijderen")


AgreementFormSet = forms.modelformset_factory(
    Agreement,
    form=AgreementForm,
    formset=BaseAgreementFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=20,
    validate_max=True,
)
