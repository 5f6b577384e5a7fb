"""The methods library: every facilitator can copy a method and adjust phases, minutes and texts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from groups.models import Membership

from .models import ContributionKind, Meeting, Method, MethodPhase


def _require_facilitator(user) -> None:
    """The library is for people who facilitate: a group's facilitator or a member taking a turn."""
    if not (
        Membership.objects.filter(user=user, role=Membership.Role.FACILITATOR).exists()
        or Meeting.objects.filter(facilitator=user).exists()
    ):
        raise Http404


@login_required
def library(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request.user)
    methods = Method.available_to(request.user).prefetch_related("phases").order_by("-builtin", "name_nl")
    return render(request, "sessions/methods.html", {"methods": methods, "kinds": ContributionKind.choices})


@login_required
@require_POST
def copy(request: HttpRequest, method_id: int) -> HttpResponse:
    _require_facilitator(request.user)
    original = get_object_or_404(Method.available_to(request.user), pk=method_id)
    return redirect("meetings:method-edit", method_id=original.copy_for(request.user).pk)


class MethodForm(forms.ModelForm):
    class Meta:
        model = Method
        fields = ["name_nl", "name_en", "description_nl", "description_en"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }


INSTRUCTIONS = [
    f"{role}_{language}" for role in ("facilitator", "case_owner", "member") for language in ("nl", "en")
]


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


def _save_phases(method: Method, formset) -> None:
    """Keep the order on screen; a new phase gets a key from its name, unique in the method."""
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    deleted = set(formset.deleted_forms)
    kept = [f for f in formset.forms if f not in deleted and (f.instance.pk or f.has_changed())]
    keys = {form.instance.key for form in kept if form.instance.pk}
    method.phases.update(order=F("order") + 1000)  # out of the way: the order is unique in a method
    for order, form in enumerate(kept):
        phase = form.save(commit=False)
        phase.method, phase.order = method, order
        if not phase.key:
            base = slugify(phase.name_nl)[:40] or "fase"
            phase.key, number = base, 2
            while phase.key in keys:
                phase.key, number = f"{base}-{number}", number + 1
            keys.add(phase.key)
        phase.save()


@login_required
def edit(request: HttpRequest, method_id: int) -> HttpResponse:
    """Adjust one's own copy; not while a meeting runs with it."""
    method = get_object_or_404(Method, pk=method_id, created_by=request.user)
    form = MethodForm(request.POST or None, instance=method)
    formset = PhaseFormSet(request.POST or None, instance=method)
    in_use = Meeting.objects.filter(method=method, status=Meeting.Status.LIVE).exists()
    if request.method == "POST":
        if in_use:
            messages.error(request, _("Een bijeenkomst loopt met deze werkvorm; pas hem daarna aan."))
        elif form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                _save_phases(method, formset)
            messages.success(request, _("De werkvorm is bewaard."))
            return redirect("meetings:methods")
    return render(request, "sessions/method_edit.html", {"method": method, "form": form, "formset": formset})
