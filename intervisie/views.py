import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from groups.models import IntervisionGroup
from sessions.models import Meeting

logger = logging.getLogger(__name__)


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


HEALTH_TIMEOUT = 2  # seconds


async def _channel_layer_round_trip() -> None:
    async def round_trip():
        layer = get_channel_layer()
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz"})
        await layer.receive(channel)

    await asyncio.wait_for(round_trip(), HEALTH_TIMEOUT)  # a Redis that drops packets must not hang us


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when the database and the channel layer answer, else 503.

    Says which of the two failed, never why: the details go to the log.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 -- any failure means "not healthy"
        logger.exception("health check: database")
        checks["database"] = "unavailable"
    try:
        async_to_sync(_channel_layer_round_trip)()
        checks["channel_layer"] = "ok"
    except Exception:  # noqa: BLE001
        logger.exception("health check: channel layer")
        checks["channel_layer"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response
