import secrets

from django import forms

from ..models import Case, Evaluation


class CaseForm(forms.ModelForm):
    # Made when the form is drawn: a second press of "Bewaren" (or the same POST again) saves nothing twice.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    class Meta:
        model = Case
        fields = ["title", "situation", "question", "tried"]
        widgets = {
            "title": forms.TextInput(),
            "situation": forms.Textarea(attrs={"rows": 5}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "tried": forms.Textarea(attrs={"rows": 3}),
        }


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [*Evaluation.SCORES, "take_away"]
        widgets = {
            **{
                name: forms.RadioSelect(choices=[(n, n) for n in Evaluation.SCALE])
                for name in Evaluation.SCORES
            },
            "take_away": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        }


def new_case_form(data=None) -> CaseForm:
    return CaseForm(data, initial={"form_token": secrets.token_urlsafe(16)})
