from django.contrib import admin

from .models import Connection, JoinRequest, Meeting, Method, MethodPhase, PhaseTransition


class MethodPhaseInline(admin.StackedInline):
    model = MethodPhase
    extra = 0


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "key"]
    inlines = [MethodPhaseInline]


class PhaseTransitionInline(admin.TabularInline):
    model = PhaseTransition
    extra = 0
    can_delete = False
    readonly_fields = ["version", "command", "from_phase", "to_phase", "at", "by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["group", "scheduled_start", "facilitator", "method", "status", "phase"]
    list_filter = ["status", "method"]
    search_fields = ["group__name", "join_code"]
    autocomplete_fields = ["group", "facilitator", "case_owner"]
    # The live state changes only through the facilitator's commands.
    readonly_fields = [
        "status",
        "phase",
        "phase_started_at",
        "phase_deadline",
        "phase_allotted",
        "paused_remaining",
        "version",
    ]
    inlines = [PhaseTransitionInline]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "version", "command", "from_phase", "to_phase", "at", "by"]
    list_filter = ["command"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status", "created_at", "decided_at"]
    list_filter = ["status"]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "audience", "connected_at", "last_seen"]
