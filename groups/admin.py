from django.contrib import admin

from .models import IntervisionGroup, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(IntervisionGroup)
class IntervisionGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role"]
    list_filter = ["role", "group"]
    autocomplete_fields = ["user", "group"]
