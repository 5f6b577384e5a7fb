"""The question coach, tested with real example sentences."""

import pytest

from sessions.cases.coach import judge

ADVICE = [
    "Heb je al geprobeerd om het gewoon met haar te bespreken?",
    "Heb je er al eens aan gedacht om je teamleider in te schakelen?",
    "Zou je niet beter eerst met de ouders kunnen praten?",
    "Kun je niet gewoon nee zeggen?",
    "Waarom doe je niet gewoon een stap terug?",
    "Is het geen idee om een collega mee te nemen?",
    "Is het niet verstandig om dit te melden?",
    "Wat als je gewoon eens een dag vrij neemt?",
    "Misschien kun je het agendapunt schrappen?",
    "Have you tried talking to your manager?",
    "Wouldn't it be better to wait a week?",
    "Why don't you just say no?",
    "Couldn't you ask for help?",
    "Have you considered a mediator?",
]
CLOSED = [
    "Ben je boos op hem?",
    "Vind je dat lastig?",
    "Heb je dat al tegen haar gezegd?",
    "Is het de eerste keer dat dit gebeurt?",
    "Weet je team ervan?",
    "Do you feel responsible?",
    "Is it always like this?",
    "Did they react?",
]
OPEN = [
    "Wat maakt dit voor jou zo lastig?",
    "Hoe reageerde je toen ze dat zei?",
    "Wie heeft er nog meer last van?",
    "Wanneer merkte je het voor het eerst?",
    "Waarom raakt dit je zo?",
    "Welke gedachte had je op dat moment?",
    "In hoeverre voel je je gesteund?",
    "What did you feel when she said that?",
    "How did the team respond?",
    "Who else is involved?",
]


@pytest.mark.parametrize("sentence", ADVICE)
def test_advice_in_disguise_gets_a_hint(sentence):
    verdict = judge(sentence)
    assert verdict.advice and not verdict.is_open
    assert "advies" in str(verdict.hint)


@pytest.mark.parametrize("sentence", CLOSED)
def test_closed_questions_get_a_hint(sentence):
    verdict = judge(sentence)
    assert verdict.closed and not verdict.advice
    assert "gesloten vraag" in str(verdict.hint)


@pytest.mark.parametrize("sentence", OPEN)
def test_open_questions_pass(sentence):
    verdict = judge(sentence)
    assert verdict.is_open and verdict.hint == ""


def test_an_empty_text_has_no_hint():
    assert judge("   ").is_open
