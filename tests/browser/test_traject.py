"""A coordinator sets up a group and its traject; a member cancels and accepts; the facilitator sees both."""

import re
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import Invitation
from sessions.models import Meeting
from tests.conftest import make_user

from .conftest import LAPTOP, PHONE, screenshot

MEMBERS = [
    ("Anna de Vries", "anna@example.org"),
    ("Bram Jansen", "bram@example.org"),
    ("Chantal Bakker", "chantal@example.org"),
    ("Daan Visser", "daan@example.org"),
    ("Eva Smit", "eva@example.org"),
    ("Fatima El Amrani", "fatima@example.org"),
]


def accept_invitation(live, email, device):
    """Open the personal link from the invitation email and choose a password."""
    token = Invitation.objects.get(email=email).token
    page = live.page(device=device)
    page.goto(f"/groups/invitation/{token}/")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een-goed-wachtwoord-42")
    page.get_by_label("Nieuw wachtwoord bevestigen").fill("een-goed-wachtwoord-42")
    page.get_by_test_id("accept-invitation").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def test_a_coordinator_sets_up_a_traject_and_members_respond(live, method):
    coordinator = make_user("hr@example.org", "Hanna")
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))

    laptop = live.page(coordinator, LAPTOP)
    laptop.goto("/")
    expect(laptop).to_have_url(re.compile(r"/dashboard/$"))
    laptop.get_by_role("link", name="Groepen beheren").click()
    laptop.get_by_test_id("new-group").click()
    laptop.get_by_label("Naam", exact=True).fill("Intervisie Wijkteams")
    laptop.get_by_label("Naam van de begeleider").fill("Frits Begeleider")
    laptop.get_by_label("E-mailadres van de begeleider").fill("frits@example.org")
    laptop.get_by_label("Deelnemers").fill("\n".join(f"{name} <{email}>" for name, email in MEMBERS))
    laptop.get_by_test_id("save-group").click()
    expect(laptop.get_by_role("heading", name="Intervisie Wijkteams")).to_be_visible()

    laptop.get_by_test_id("schedule").click()
    first = timezone.localdate() + timedelta(days=7)
    laptop.get_by_label("Eerste bijeenkomst").fill(first.isoformat())
    laptop.get_by_label("Begintijd").fill("19:00")
    laptop.get_by_label("Hoe vaak").select_option("2w")
    laptop.get_by_label("Aantal bijeenkomsten").fill("7")
    laptop.get_by_label("Plaats of videolink").fill("Buurthuis De Brug")
    laptop.get_by_test_id("preview-button").click()
    expect(laptop.get_by_test_id("planned")).to_have_count(7)
    screenshot(laptop, "coordinator-schedule-preview")
    laptop.get_by_test_id("confirm-schedule").click()
    expect(laptop.get_by_test_id("meeting")).to_have_count(7)
    screenshot(laptop, "coordinator-traject")

    # A member accepts the invitation on a phone, cancels the second meeting and accepts the agreements.
    phone = accept_invitation(live, "bram@example.org", PHONE)
    phone.get_by_test_id("group-link").click()
    second = phone.get_by_test_id("meeting").nth(1)
    second.get_by_text("Afmelden").first.click()
    second.get_by_label("Wat voor reden?").select_option(label="te druk met werk")
    second.get_by_label("Waarom kun je niet?").fill("Teamdag van mijn afdeling")
    second.get_by_test_id("cancel-attendance").click()
    expect(phone.get_by_test_id("meeting").nth(1)).to_contain_text("Teamdag van mijn afdeling")
    screenshot(phone, "member-traject")
    phone.get_by_role("link", name="Afspraken").first.click()
    phone.get_by_role("button", name="Ik ga akkoord").click()
    expect(phone.get_by_text(re.compile("akkoord gegaan met versie 1"))).to_be_visible()

    # The facilitator sees both.
    facilitator = accept_invitation(live, "frits@example.org", LAPTOP)
    facilitator.get_by_test_id("group-link").click()
    facilitator.get_by_role("link", name="Aanwezigheid per bijeenkomst").click()
    expect(facilitator.get_by_text("Teamdag van mijn afdeling")).to_be_visible()
    screenshot(facilitator, "facilitator-register")
    facilitator.go_back()
    facilitator.get_by_role("link", name="Afspraken").first.click()
    expect(facilitator.get_by_text("Bram Jansen")).to_be_visible()
    expect(facilitator.locator("li", has_text="Bram Jansen")).to_contain_text("akkoord op")
    assert live.errors == []


def coordinating(group):
    coordinator = make_user("hr@example.org", "Hanna")
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    return coordinator


def planned(group, facilitator, method, days):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=days)
    return Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
        place="Zaal 3",
    )


def test_a_coordinator_adds_a_meeting_and_is_warned_before_planning_a_second_traject(
    live, group, facilitator, members, method
):
    coordinator = coordinating(group)
    for days in (7, 21):
        planned(group, facilitator, method, days)
    laptop = live.page(coordinator, LAPTOP)
    laptop.goto(f"/groups/{group.pk}/traject/")

    # Planning again: the form says first how many meetings are already coming.
    laptop.get_by_test_id("schedule").click()
    expect(laptop.get_by_test_id("upcoming-warning")).to_contain_text("al 2 komende bijeenkomsten")
    screenshot(laptop, "coordinator-schedule-warning")

    # One extra meeting instead: a date in the past is refused next to the field, nothing lost.
    laptop.get_by_test_id("upcoming-warning").get_by_role("link", name="Eén bijeenkomst toevoegen").click()
    yesterday = timezone.localdate() - timedelta(days=1)
    laptop.get_by_label("Datum").fill(yesterday.isoformat())
    laptop.get_by_label("Begintijd").fill("19:30")
    laptop.get_by_label("Plaats of videolink").fill("Buurthuis De Brug")
    laptop.get_by_test_id("save-meeting").click()
    expect(laptop.locator("#id_date-error")).to_have_text(re.compile("Deze datum ligt in het verleden"))
    expect(laptop.get_by_label("Plaats of videolink")).to_have_value("Buurthuis De Brug")
    expect(laptop.get_by_label("Begintijd")).to_have_value("19:30")
    screenshot(laptop, "coordinator-add-meeting-error")
    assert group.meetings.count() == 2

    day = timezone.localdate() + timedelta(days=35)
    laptop.get_by_label("Datum").fill(day.isoformat())
    laptop.get_by_test_id("save-meeting").click()
    expect(laptop.get_by_test_id("meeting")).to_have_count(3)
    expect(laptop.get_by_text("De bijeenkomst is toegevoegd")).to_be_visible()
    added = group.meetings.order_by("scheduled_start").last()
    assert (added.place, timezone.localtime(added.scheduled_start).date()) == ("Buurthuis De Brug", day)
    screenshot(laptop, "coordinator-traject-added")
    assert live.errors == []


def test_cancelling_a_meeting_asks_first(live, group, facilitator, members, method):
    coordinator = coordinating(group)
    first, second = planned(group, facilitator, method, 7), planned(group, facilitator, method, 21)
    laptop = live.page(coordinator, LAPTOP)
    laptop.goto(f"/groups/{group.pk}/traject/")
    laptop.locator(f"#meeting-{second.pk}").get_by_role("link", name="Verzetten").click()

    # The first press asks; nothing is cancelled yet, and "no" leaves it be.
    laptop.get_by_test_id("cancel-meeting").click()
    expect(laptop.get_by_role("heading", name="Bijeenkomst annuleren?")).to_be_visible()
    second.refresh_from_db()
    assert second.status == Meeting.Status.SCHEDULED
    screenshot(laptop, "coordinator-cancel-confirm")
    laptop.get_by_test_id("keep-meeting").click()
    expect(laptop.get_by_role("heading", name="Bijeenkomst verzetten")).to_be_visible()
    second.refresh_from_db()
    assert second.status == Meeting.Status.SCHEDULED

    # Confirming cancels: it is listed apart, marked, and the other stays.
    laptop.get_by_test_id("cancel-meeting").click()
    laptop.get_by_test_id("confirm-cancel").click()
    expect(laptop.get_by_text("De bijeenkomst is geannuleerd")).to_be_visible()
    second.refresh_from_db()
    assert second.status == Meeting.Status.CANCELLED
    expect(laptop.get_by_test_id("meetings").get_by_test_id("meeting")).to_have_count(1)
    cancelled = laptop.get_by_test_id("cancelled-meetings").locator(f"#meeting-{second.pk}")
    expect(cancelled.get_by_test_id("cancelled-badge")).to_have_text("Geannuleerd")
    first.refresh_from_db()
    assert first.status == Meeting.Status.SCHEDULED
    screenshot(laptop, "coordinator-traject-cancelled")
    assert live.errors == []
