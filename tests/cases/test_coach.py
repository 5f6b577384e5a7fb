"""The question coach, tested with real example sentences and measured on a labelled set."""

import pytest

from sessions.cases.coach import judge

from .coach_questions import MAX_FALSE_ALARMS, MIN_ADVICE_RECALL, MIN_CLOSED_KEPT, QUESTIONS, figures

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
    # The forms of issue 15.
    "Waarom bel je hem niet gewoon op?",
    "Zou het helpen als je eerst met haar praat?",
    "Heb je overwogen om te stoppen?",
    "Kun je niet eerst met je leidinggevende praten?",
    "Is het een idee om de ouders uit te nodigen?",
    "Ik vraag me af, is het niet beter om te wachten?",
    "Why not ask her directly?",
    "Would it help to write it down?",
    "What if you said no?",
    "Have you thought of asking for help?",
    "Is there a reason you haven't told him?",
    "If you talked to her first, wouldn't that be easier?",
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
    "Even checken: ben jij haar leidinggevende?",
    "Ik vraag me af of je je gehoord voelt",
    "Voelde je je aangevallen?",
    "Zou het kunnen dat hij zich gepasseerd voelt?",
    "Is it possible that he didn't know?",
    "I wonder whether you feel heard",
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
    "Wat zou je helpen?",
    "Wat als hij niet verandert, wat betekent dat voor jou?",
    "Waarom belde je hem die dag niet terug?",
    "Kun je daar iets meer over vertellen?",
    "Kun je even uitleggen wat je bedoelt?",
    "Ik ben benieuwd hoe je team reageerde",
    "Could you tell us more about the team?",
    "What would help you most right now?",
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


def test_a_preamble_does_not_hide_the_question():
    assert judge("Even checken: waarom bel je hem niet gewoon op?").advice
    assert judge("Just checking: how long has this been going on?").is_open


def _listing(questions: list[str]) -> str:
    return "\n".join(f"  - {q}" for q in questions) or "  (none)"


@pytest.mark.parametrize("language", QUESTIONS)
def test_the_labelled_set_is_big_enough_and_mixed(language):
    n = figures(language, judge)["n"]
    assert sum(n.values()) >= 100
    assert all(count >= 20 for count in n.values()), n


@pytest.mark.parametrize("language", QUESTIONS)
def test_the_coach_catches_advice_in_disguise(language):
    measured = figures(language, judge)
    assert measured["advice_recall"] >= MIN_ADVICE_RECALL, (
        f"{language}: advice recall {measured['advice_recall']:.0%} < {MIN_ADVICE_RECALL:.0%}; missed:\n"
        + _listing(measured["wrong"]["advice"])
    )


@pytest.mark.parametrize("language", QUESTIONS)
def test_yes_no_questions_keep_the_closed_hint(language):
    measured = figures(language, judge)
    assert measured["closed_kept"] >= MIN_CLOSED_KEPT, (
        f"{language}: closed kept {measured['closed_kept']:.0%} < {MIN_CLOSED_KEPT:.0%}; misjudged:\n"
        + _listing(measured["wrong"]["closed"])
    )


@pytest.mark.parametrize("language", QUESTIONS)
def test_open_questions_rarely_get_a_hint(language):
    measured = figures(language, judge)
    assert measured["false_alarms"] <= MAX_FALSE_ALARMS, (
        f"{language}: false alarms {measured['false_alarms']:.0%} > {MAX_FALSE_ALARMS:.0%}; hinted:\n"
        + _listing(measured["wrong"]["open"])
    )
