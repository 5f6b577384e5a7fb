"""The methods library: every facilitator can copy a method and adjust phases, minutes and texts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import policy
from ..actions import methods as actions
from ..models import ContributionKind, Meeting, Method
from .forms import MethodForm, PhaseFormSet


def _require_facilitator(user) -> None:
    """The library is for people who facilitate; it does not exist for anybody else."""
    if not policy.facilitates_somewhere(user):
        raise Http404


@login_required
def library(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request.user)
    methods = policy.methods_for(request.user).prefetch_related("phases").order_by("-builtin", "name_nl")
    return render(request, "sessions/methods.html", {"methods": methods, "kinds": ContributionKind.choices})


@login_required
@require_POST
def copy(request: HttpRequest, method_id: int) -> HttpResponse:
    _require_facilitator(request.user)
    original = get_object_or_404(policy.methods_for(request.user), pk=method_id)
    return redirect("meetings:method-edit", method_id=actions.copy_method(original, request.user).pk)


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
            actions.save_method(form, formset)
            messages.success(request, _("De werkvorm is bewaard."))
            return redirect("meetings:methods")
    return render(request, "sessions/method_edit.html", {"method": method, "form": form, "formset": formset})
