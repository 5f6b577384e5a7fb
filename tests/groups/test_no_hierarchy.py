"""No hierarchy inside the group, and no secret joining (issue 16, item 2).

Peers are equal: a coordinator of a group never becomes one of its members, and its
begeleider only when named so at the start; every change of the group's people is shown
to the group (its page, the next lobby) and mailed to its facilitator.
"""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from groups.models import IntervisionGroup, Membership, MembershipChange
from sessions.models import Meeting
from tests.conftest import client_for, make_user
from tests.traject import conftest as traject_fixtures

# A coordinator of the group, and one of no group yet (tests/conftest.py's is of none).
coordinator = traject_fixtures.coordinator
other_coordinator = traject_fixtures.other_coordinator


def edit(client, group, members, facilitator, **extra):
    """Post the group's edit form: `members` as (name, email), `facilitator` as (name, email)."""
    data = {
        "name": group.name,
        "time_zone": group.time_zone,
        "facilitator_name": facilitator[0],
        "facilitator_email": facilitator[1],
        "members_text": "\n".join(f"{name} <{email}>" for name, email in members),
        "save": "1",
        **extra,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("groups:edit", args=[group.pk]), data)


def people_of(group) -> tuple[list, tuple]:
    members = [(m.get_full_name(), m.email) for m in group.members()]
    facilitator = group.facilitator
    return members, (facilitator.get_full_name(), facilitator.email)


def test_a_coordinator_cannot_make_themselves_a_member_of_the_group(coordinator, group, members, facilitator):
    people, begeleider = people_of(group)
    response = edit(client_for(coordinator), group, [*people, ("Corinne", coordinator.email)], begeleider)
    assert response.status_code == 200
    assert "coördineert deze groep en wordt er geen deelnemer van" in response.content.decode()
    assert not Membership.objects.filter(group=group, user=coordinator).exists()
    assert not MembershipChange.objects.exists()


def test_a_coordinator_cannot_make_themselves_the_begeleider_of_an_existing_group(
    coordinator, group, members, facilitator
):
    people, _begeleider = people_of(group)
    response = edit(client_for(coordinator), group, people, ("Corinne", coordinator.email))
    assert response.status_code == 200
    assert "Een coördinator wordt alleen begeleider" in response.content.decode()
    assert group.facilitator == facilitator


def test_another_coordinator_may_name_a_coordinator_begeleider_before_the_first_meeting(
    coordinator, other_coordinator, group, members, facilitator
):
    group.coordinators.add(other_coordinator)
    people, _begeleider = people_of(group)
    response = edit(client_for(other_coordinator), group, people, ("Corinne", coordinator.email))
    assert response.status_code == 302
    assert group.facilitator == coordinator
    change = MembershipChange.objects.get(kind=MembershipChange.Kind.ADDED)
    assert (change.name, change.role, change.by) == (
        "Corinne",
        Membership.Role.FACILITATOR,
        other_coordinator,
    )


def test_after_the_first_meeting_no_coordinator_becomes_begeleider(
    coordinator, other_coordinator, group, members, facilitator, method
):
    group.coordinators.add(other_coordinator)
    start = timezone.now() - timedelta(days=14)
    Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
    )
    people, _begeleider = people_of(group)
    response = edit(client_for(other_coordinator), group, people, ("Corinne", coordinator.email))
    assert response.status_code == 200
    assert group.facilitator == facilitator


def test_a_trainer_who_sets_up_a_group_may_guide_it_from_the_start(db):
    trainer = make_user("trainer@example.org", "Tineke")
    trainer.user_permissions.add(Permission.objects.get(codename="coordinate"))
    data = {
        "name": "Groep na de training",
        "time_zone": "Europe/Amsterdam",
        "facilitator_name": "Tineke Trainer",
        "facilitator_email": trainer.email,
        "members_text": "\n".join(f"Lid{n} <lid-t{n}@example.org>" for n in range(4)),
        "save": "1",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client_for(trainer).post(reverse("groups:create"), data).status_code == 302
    group = IntervisionGroup.objects.get(name="Groep na de training")
    assert group.facilitator == trainer
    assert not MembershipChange.objects.exists()  # a new group's people are its start, not a change


def test_every_change_of_people_is_shown_to_the_group_and_mailed_to_the_begeleider(
    coordinator, group, members, facilitator, meeting
):
    people, begeleider = people_of(group)
    newcomer = ("Nadia Nieuw", "nadia@example.org")
    mail.outbox.clear()
    edit(client_for(coordinator), group, [*people[1:], newcomer], begeleider)
    changes = {(c.kind, c.name) for c in MembershipChange.objects.filter(group=group)}
    assert changes == {("added", "Nadia Nieuw"), ("removed", members[0].get_full_name())}
    [message] = [m for m in mail.outbox if m.to == [facilitator.email]]
    assert "Nadia Nieuw is toegevoegd als deelnemer, door Corinne" in message.body
    page = client_for(members[1]).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert 'data-testid="membership-changes"' in page and "Nadia Nieuw is toegevoegd" in page
    lobby = client_for(members[1]).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert "Nadia Nieuw is toegevoegd" in lobby
    facilitator_lobby = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk]))
    assert "uit de groep gehaald" in facilitator_lobby.content.decode()


def test_the_admin_shows_no_case_content(world, django_user_model):
    from django.contrib import admin

    from tests.personas import CANARY, EARLIER_CANARY

    staff = django_user_model.objects.create_superuser("staff@example.org", "staff@example.org", "x-secret-9")
    client = client_for(staff)
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages = [changelist] + [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            for pk in model._default_manager.values_list("pk", flat=True)[:20]
        ]
        for url in pages:
            body = client.get(url).content.decode()
            assert CANARY not in body and EARLIER_CANARY not in body, url
            checked += 1
    assert checked > 20
