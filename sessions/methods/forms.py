from django import forms
from django.utils.translation import gettext_lazy

from ..models import ContributionKind, Method, MethodPhase


class MethodForm(forms.ModelForm):
    class Meta:
        model = Method
        fields = ["name_nl", "name_en", "description_nl", "description_en"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }


INSTRUCTIONS = [f"{role}_{language}" for role in MethodPhase.Role.values for language in ("nl", "en")]


class PhaseForm(forms.ModelForm):
    member_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Bijdragen van deelnemers"),
        choices=ContributionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = MethodPhase
        fields = [
            "name_nl",
            "name_en",
            "minutes",
            "step",
            "member_kinds",
            "case_owner_mode",
            "reveal_together",
            *INSTRUCTIONS,
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in INSTRUCTIONS}


PhaseFormSet = forms.inlineformset_factory(
    Method, MethodPhase, form=PhaseForm, extra=1, can_delete=True, min_num=1, validate_min=True
)
