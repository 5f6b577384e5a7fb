"""What the facilitator's meeting clock and the presenter screen are rendered with."""

from django.urls import reverse

from sessions.live import broadcast
from tests.conftest import client_for


def test_the_clock_counts_the_phases_after_the_current_one(meeting):
    meeting.start(meeting.version)
    clock = broadcast.meeting_clock(meeting)
    assert clock["planned_end"] == broadcast.epoch_ms(meeting.scheduled_end)
    assert clock["rest_ms"] == sum(phase.minutes for phase in meeting.phases[1:]) * 60_000


def test_the_clock_does_not_count_a_second_case_that_may_follow(meeting):
    meeting.start(meeting.version)
    for _phase in meeting.phases[1:]:
        meeting.advance(meeting.version)
    assert meeting.may_take_second_case
    assert broadcast.meeting_clock(meeting)["rest_ms"] == 0


def test_only_the_facilitator_page_has_the_clock_and_the_mute_toggle(meeting, facilitator, member):
    meeting.start(meeting.version)
    facilitator_page = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk]))
    assert 'data-testid="meeting-clock"' in facilitator_page.content.decode()
    assert 'data-testid="mute-chime"' in facilitator_page.content.decode()
    member_page = client_for(member).get(reverse("meetings:participant", args=[meeting.pk]))
    assert 'data-testid="meeting-clock"' not in member_page.content.decode()


def test_the_presenter_shows_the_members_instruction_never_the_facilitators(meeting, facilitator):
    meeting.start(meeting.version)
    html = client_for(facilitator).get(reverse("meetings:presenter", args=[meeting.pk])).content.decode()
    phase = meeting.phases[0]
    assert phase.member_nl in html
    assert phase.facilitator_nl not in html
