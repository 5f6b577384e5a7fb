from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from groups.models import IntervisionGroup
from sessions.models import Meeting


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The meetings of today and later that this person facilitates or belongs to.

    A coordinator who is in no group lands on the overview of the groups they coordinate.
    """
    if request.user.has_perm("groups.coordinate") and not request.user.memberships.exists():
        return redirect("meetings:dashboard")
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = (
        Meeting.objects.filter(group__memberships__user=request.user)
        .filter(Q(scheduled_end__gte=today) | Q(status=Meeting.Status.LIVE))
        .exclude(status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
        .select_related("group", "method")
        .distinct()
        .order_by("scheduled_start")[:20]
    )
    groups = IntervisionGroup.objects.filter(memberships__user=request.user).distinct()
    return render(request, "home.html", {"meetings": meetings, "groups": groups})
