"""Who may see or do what in a group: the only place for the group's roles and their rules.

Refusals follow one convention in the whole project (docs/architecture.md):
whoever may not know the thing exists gets a 404; a person who knows the group
(a member, its facilitator, a coordinator of it) but lacks the role gets a 403.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import IntervisionGroup, Membership


class GroupRole(enum.StrEnum):
    """What a person is to a group; one person can be more than one (a coordinator who facilitates)."""

    COORDINATOR = "coordinator"
    FACILITATOR = Membership.Role.FACILITATOR.value
    MEMBER = Membership.Role.MEMBER.value


@dataclass(frozen=True)
class GroupAccess:
    """A person's roles in one group, and what follows from them (templates read these)."""

    roles: frozenset[GroupRole]

    @property
    def knows_group(self) -> bool:
        return bool(self.roles)

    @property
    def is_coordinator(self) -> bool:
        return GroupRole.COORDINATOR in self.roles

    @property
    def is_facilitator(self) -> bool:
        return GroupRole.FACILITATOR in self.roles

    @property
    def is_member(self) -> bool:
        return GroupRole.MEMBER in self.roles

    @property
    def in_group(self) -> bool:
        """A member or the group's facilitator: the people who meet."""
        return self.is_member or self.is_facilitator

    @property
    def oversees(self) -> bool:
        """The coordinator or the facilitator: moves and cancels meetings, sees everyone's attendance."""
        return self.is_coordinator or self.is_facilitator

    @property
    def sees_reasons(self) -> bool:
        """Reasons for cancelling are often about health: the group sees them, a coordinator does not."""
        return self.in_group


def group_access(group: IntervisionGroup, user) -> GroupAccess:
    roles = set()
    if user.is_authenticated:
        if coordinated_groups(user).filter(pk=group.pk).exists():
            roles.add(GroupRole.COORDINATOR)
        membership = Membership.objects.filter(group=group, user=user).first()
        if membership:
            roles.add(GroupRole(membership.role))
    return GroupAccess(frozenset(roles))


def refuse(access: GroupAccess):
    """The refusal for a person without the role: a 403 if they know the group, else a 404."""
    return PermissionDenied() if access.knows_group else Http404()


def coordinated_groups(user):
    """The groups the person coordinates, while they hold the permission to coordinate."""
    if not user.has_perm("groups.coordinate"):
        return IntervisionGroup.objects.none()
    return IntervisionGroup.objects.filter(coordinators=user)


def get_group_for_viewer(request: HttpRequest, pk: int) -> tuple[IntervisionGroup, GroupAccess]:
    """A group the asker has any role in (404 for everybody else), with that role."""
    group = get_object_or_404(IntervisionGroup, pk=pk)
    access = group_access(group, request.user)
    if not access.knows_group:
        raise Http404
    return group, access


def get_group_for_coordinator(request: HttpRequest, pk: int) -> IntervisionGroup:
    """A group the asker coordinates (with the permission to coordinate)."""
    return _get_group_with_role(request, pk, lambda access: access.is_coordinator)[0]


def _get_group_with_role(request: HttpRequest, pk: int, allowed) -> tuple[IntervisionGroup, GroupAccess]:
    """A group where `allowed(access)` holds for the asker; refused by the convention otherwise."""
    group, access = get_group_for_viewer(request, pk)
    if not allowed(access):
        raise refuse(access)
    return group, access


def get_group_for_insider(request: HttpRequest, pk: int) -> tuple[IntervisionGroup, GroupAccess]:
    """A group the asker meets in: a member or its facilitator."""
    return _get_group_with_role(request, pk, lambda access: access.in_group)


def get_group_for_member(request: HttpRequest, pk: int) -> IntervisionGroup:
    """A group the asker is a member (deelnemer) of: not its external facilitator, not a coordinator."""
    return _get_group_with_role(request, pk, lambda access: access.is_member)[0]


def get_group_for_facilitator(request: HttpRequest, pk: int) -> IntervisionGroup:
    return _get_group_with_role(request, pk, lambda access: access.is_facilitator)[0]


def case_content_since(group: IntervisionGroup, user) -> datetime | None:
    """From when on `user` may see what the group's cases produce, or None: nothing (now).

    Membership at the time decides: the group's facilitator from joining the group; a member
    from joining and first accepting the agreements (when the group has any), and only while
    they have accepted the current ones. Whoever joins later sees nothing of earlier meetings
    (sessions.policy.sees_case_content holds each meeting against this moment).
    """
    membership = group.memberships.filter(user=user).first() if user.is_authenticated else None
    if membership is None:
        return None
    if membership.role == Membership.Role.FACILITATOR or not group.agreements_version:
        return membership.joined_at
    if not group.has_accepted_agreements(user):
        return None
    first_accepted = group.acceptances.filter(user=user).aggregate(first=Min("accepted_at"))["first"]
    return max(membership.joined_at, first_accepted)


def content_since_for_all_members(group: IntervisionGroup) -> datetime | None:
    """The latest case_content_since of the members who see the group's content now: how far
    back a screen that all of them share may reach (it is rendered once for all of them).
    None when none of them sees content."""
    memberships = dict(
        group.memberships.filter(role=Membership.Role.MEMBER).values_list("user_id", "joined_at")
    )
    if group.agreements_version:
        current = set(
            group.acceptances.filter(version=group.agreements_version).values_list("user_id", flat=True)
        )
        first = dict(
            group.acceptances.filter(user_id__in=current)
            .values("user_id")
            .annotate(first=Min("accepted_at"))
            .values_list("user_id", "first")
        )
        moments = [
            max(joined, first[user_id]) for user_id, joined in memberships.items() if user_id in current
        ]
    else:
        moments = list(memberships.values())
    return max(moments, default=None)


def shares_case_content_with(group: IntervisionGroup, user) -> bool:
    """Whether `user` may see the group's content at all now (of which meetings: case_content_since)."""
    return case_content_since(group, user) is not None
