"""The coordinator sets up groups of 4-8 members and invites them."""

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from groups.forms import parse_people
from groups.models import IntervisionGroup, Invitation, Membership
from tests.conftest import client_for, make_user
from tests.traject.test_calendar import schedule

MEMBERS = "\n".join(f"Lid{n} Achternaam <nieuw{n}@example.org>" for n in range(1, 7))


def create(client, members=MEMBERS, draft=False, **extra):
    """Post the new-group form; the invitation emails go out after the commit."""
    data = {
        "name": "Groep Noord",
        "description": "",
        "time_zone": "Europe/Amsterdam",
        "facilitator_name": "Frits Begeleider",
        "facilitator_email": "frits@example.org",
        "members_text": members,
        **extra,
    }
    data["save_draft" if draft else "save"] = "1"
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("groups:create"), data)


def test_a_coordinator_creates_a_group_and_everybody_is_invited(coordinator):
    response = create(client_for(coordinator))
    group = IntervisionGroup.objects.get(name="Groep Noord")
    assert response.url == reverse("meetings:traject", args=[group.pk])
    assert not group.draft
    assert coordinator in group.coordinators.all()
    assert group.invitations.count() == 7
    assert group.invitations.get(email="frits@example.org").role == Membership.Role.FACILITATOR
    assert len(mail.outbox) == 7
    assert "/groups/invitation/" in mail.outbox[0].body


@pytest.mark.parametrize("count", [3, 9])
def test_fewer_than_four_or_more_than_eight_members_is_refused(coordinator, count):
    members = "\n".join(f"Lid{n} <x{n}@example.org>" for n in range(count))
    response = create(client_for(coordinator), members=members)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een intervisiegroep heeft 4 tot 8 deelnemers" in html
    assert "x0@example.org" in html  # what was typed is kept
    assert not IntervisionGroup.objects.filter(name="Groep Noord").exists()


def test_an_incomplete_group_can_be_saved_as_draft(coordinator):
    create(
        client_for(coordinator),
        members="Eén Lid <een@example.org>",
        draft=True,
        facilitator_name="",
        facilitator_email="",
    )
    group = IntervisionGroup.objects.get(name="Groep Noord")
    assert group.draft


def test_an_address_with_an_account_just_gets_the_membership(coordinator, member):
    members = MEMBERS + f"\n{member.first_name} <{member.email.upper()}>"
    create(client_for(coordinator), members=members)
    group = IntervisionGroup.objects.get(name="Groep Noord")
    assert Membership.objects.filter(group=group, user=member).exists()
    assert not group.invitations.filter(email=member.email).exists()
    assert any("Je bent toegevoegd" in message.body for message in mail.outbox)


def test_bad_lines_are_named():
    with pytest.raises(Exception) as error:
        parse_people("Anna <anna@example.org>\nzonder adres\nBram <bram@example>\nAnna <anna@example.org>")
    messages = error.value.messages
    assert any("Regel 2" in message for message in messages)
    assert any("Regel 3" in message for message in messages)
    assert any("Regel 4" in message for message in messages)


def test_the_external_facilitator_is_not_a_member(coordinator):
    members = MEMBERS + "\nFrits <frits@example.org>"
    response = create(client_for(coordinator), members=members)
    assert "telt niet mee als deelnemer" in response.content.decode()


def test_accepting_an_invitation_sets_a_password_and_logs_in(coordinator, client):
    create(client_for(coordinator))
    invitation = Invitation.objects.get(email="nieuw1@example.org")
    url = reverse("groups:accept-invitation", args=[invitation.token])
    response = client.post(
        url, {"new_password1": "een-goed-wachtwoord-42", "new_password2": "een-goed-wachtwoord-42"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nieuw1@example.org")
    assert membership.role == Membership.Role.MEMBER
    assert client.get("/").status_code == 200  # logged in
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_expired_invitation_says_so_and_can_be_resent(coordinator, client, settings):
    from datetime import timedelta

    create(client_for(coordinator))
    invitation = Invitation.objects.get(email="nieuw1@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=invitation.sent_at - timedelta(days=15))
    assert client.get(reverse("groups:accept-invitation", args=[invitation.token])).status_code == 410
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(
            reverse("groups:resend-invitation", args=[invitation.group_id, invitation.pk])
        )
    assert len(mail.outbox) == 1
    old_token = invitation.token
    invitation.refresh_from_db()
    assert client.get(reverse("groups:accept-invitation", args=[invitation.token])).status_code == 200
    assert client.get(reverse("groups:accept-invitation", args=[old_token])).status_code == 404
    assert invitation.token in mail.outbox[0].body


def test_editing_the_group_removes_and_adds_people(coordinator, group, members, facilitator):
    lines = "\n".join(f"{m.first_name} <{m.email}>" for m in members[:4]) + "\nNieuw <nieuw@example.org>"
    client_for(coordinator).post(
        reverse("groups:edit", args=[group.pk]),
        {
            "name": group.name,
            "time_zone": "Europe/Amsterdam",
            "facilitator_name": "Marieke",
            "facilitator_email": facilitator.email,
            "members_text": lines,
            "save": "1",
        },
    )
    assert {m.email for m in group.members()} == {m.email for m in members[:4]} | {"nieuw@example.org"}
    assert group.invitations.filter(email="nieuw@example.org").exists()


def test_coordinators_see_only_their_own_groups(coordinator, other_coordinator, group):
    assert group.name in client_for(coordinator).get(reverse("groups:list")).content.decode()
    assert group.name not in client_for(other_coordinator).get(reverse("groups:list")).content.decode()
    assert client_for(other_coordinator).get(reverse("groups:edit", args=[group.pk])).status_code == 404


def test_people_without_the_permission_cannot_coordinate(member, outsider):
    for user in (member, outsider):
        assert client_for(user).get(reverse("groups:list")).status_code == 403
        assert client_for(user).get(reverse("groups:create")).status_code == 403


def test_a_coordinator_in_no_group_lands_on_the_overview_of_their_groups(coordinator):
    assert client_for(coordinator).get("/").url == reverse("meetings:dashboard")


def test_a_coordinator_sees_no_case_content_in_emails(coordinator):
    create(client_for(coordinator))
    assert all("casus" not in message.body.lower() for message in mail.outbox)


def test_an_unknown_time_zone_is_refused(coordinator):
    response = create(client_for(coordinator), time_zone="Europe/Atlantis")
    assert "Kies een tijdzone uit de lijst." in response.content.decode()
    assert not IntervisionGroup.objects.filter(name="Groep Noord").exists()


def test_members_see_only_their_own_groups(member, other_group_member, group):
    assert client_for(member).get(reverse("meetings:traject", args=[group.pk])).status_code == 200
    assert client_for(other_group_member).get(reverse("meetings:traject", args=[group.pk])).status_code == 404
    assert group.name not in client_for(other_group_member).get("/").content.decode()


def test_saving_the_edit_form_unchanged_keeps_everybody(coordinator):
    create(client_for(coordinator))
    group = IntervisionGroup.objects.get(name="Groep Noord")
    form = client_for(coordinator).get(reverse("groups:edit", args=[group.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["save"] = "1"
    response = client_for(coordinator).post(reverse("groups:edit", args=[group.pk]), data)
    assert response.status_code == 302
    assert group.memberships.count() == 7


def test_a_person_removed_and_added_again_gets_a_fresh_invitation(coordinator):
    create(client_for(coordinator))
    group = IntervisionGroup.objects.get(name="Groep Noord")
    old = Invitation.objects.get(email="nieuw1@example.org").token
    create_again = MEMBERS.replace("Lid1 Achternaam <nieuw1@example.org>\n", "")
    edit = {"name": group.name, "time_zone": "Europe/Amsterdam", "facilitator_name": "Frits"}
    edit["facilitator_email"] = "frits@example.org"
    client_for(coordinator).post(
        reverse("groups:edit", args=[group.pk]),
        {**edit, "members_text": create_again + "\nNieuwe Naam <extra@example.org>", "save": "1"},
    )
    assert not group.memberships.filter(user__email="nieuw1@example.org").exists()
    client_for(coordinator).post(
        reverse("groups:edit", args=[group.pk]), {**edit, "members_text": MEMBERS, "save": "1"}
    )
    invitation = Invitation.objects.get(email="nieuw1@example.org")
    assert invitation.token != old and invitation.accepted_at is None
    assert group.memberships.filter(user__email="nieuw1@example.org").exists()


def test_the_planned_meetings_of_a_removed_facilitator_go_to_the_new_one(
    coordinator, group, meeting, facilitator, members
):
    from sessions.models import Meeting

    new = make_user("nieuwe.begeleider@example.org", "Nina")
    lines = "\n".join(f"{m.first_name} <{m.email}>" for m in members)
    client_for(coordinator).post(
        reverse("groups:edit", args=[group.pk]),
        {
            "name": group.name,
            "time_zone": "Europe/Amsterdam",
            "facilitator_name": "Nina Nieuw",
            "facilitator_email": new.email,
            "members_text": lines,
            "save": "1",
        },
    )
    meeting.refresh_from_db()
    assert meeting.facilitator == new
    assert meeting.sequence == 1
    response = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk]))
    assert response.status_code == 404
    assert Meeting.objects.filter(facilitator=facilitator).count() == 0


def test_email_subjects_are_plain_text(coordinator):
    create(client_for(coordinator), name="Zorg & Welzijn")
    assert mail.outbox[0].subject == "Uitnodiging voor intervisiegroep Zorg & Welzijn"


def test_a_draft_group_sends_no_invitations(coordinator, member):
    members = MEMBERS + f"\n{member.first_name} <{member.email}>"
    create(client_for(coordinator), members=members, draft=True)
    group = IntervisionGroup.objects.get(name="Groep Noord")
    assert group.draft
    assert group.invitations.count() == 7  # stored, for when the group starts
    assert mail.outbox == []
    page = client_for(coordinator).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert "nog niet uitgenodigd (concept)" in page
    assert "Opnieuw sturen" not in page


def test_the_invitations_go_out_when_the_draft_is_saved_as_a_group(coordinator, member):
    members = MEMBERS + f"\n{member.first_name} <{member.email}>"
    create(client_for(coordinator), members=members, draft=True)
    group = IntervisionGroup.objects.get(name="Groep Noord")
    data = {
        "name": group.name,
        "time_zone": "Europe/Amsterdam",
        "facilitator_name": "Frits Begeleider",
        "facilitator_email": "frits@example.org",
        "members_text": members,
        "save": "1",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("groups:edit", args=[group.pk]), data)
    group.refresh_from_db()
    assert not group.draft
    invited = {message.to[0] for message in mail.outbox}
    assert invited == {f"nieuw{n}@example.org" for n in range(1, 7)} | {"frits@example.org", member.email}
    for invitation in group.invitations.all():
        assert any(invitation.token in message.body for message in mail.outbox)
    assert not group.membership_changes.exists()  # the group's start, not a change

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("groups:edit", args=[group.pk]), data)
    assert mail.outbox == []  # nobody is invited twice


def test_a_group_that_started_cannot_go_back_to_draft(coordinator):
    create(client_for(coordinator))
    group = IntervisionGroup.objects.get(name="Groep Noord")
    response = client_for(coordinator).post(
        reverse("groups:edit", args=[group.pk]),
        {"name": group.name, "time_zone": "Europe/Amsterdam", "members_text": "", "save_draft": "1"},
    )
    assert response.status_code == 200  # the full rules apply: the field errors are shown
    group.refresh_from_db()
    assert not group.draft
    assert group.invitations.count() == 7


def test_a_draft_groups_schedule_goes_out_when_the_group_starts(coordinator, member, facilitator, method):
    members = MEMBERS + f"\n{member.first_name} <{member.email}>"
    create(client_for(coordinator), members=members, draft=True)
    group = IntervisionGroup.objects.get(name="Groep Noord")
    group.memberships.create(user=facilitator, role="facilitator")
    schedule(client_for(coordinator), group, count="6")
    assert group.meetings.count() == 6 and mail.outbox == []  # nobody is told of a draft

    data = {
        "name": group.name,
        "time_zone": "Europe/Amsterdam",
        "facilitator_name": facilitator.first_name,
        "facilitator_email": facilitator.email,
        "members_text": members,
        "save": "1",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("groups:edit", args=[group.pk]), data)
    schedules = [message for message in mail.outbox if message.attachments]
    assert {message.to[0] for message in schedules} >= {member.email, facilitator.email}
    assert all(message.attachments[0][1].count("BEGIN:VEVENT") == 6 for message in schedules)
    assert all("http" in message.body for message in schedules)
