"""The question coach: a gentle hint when a question is advice in disguise or closed.

The patterns are data, per language. A hint never blocks: the member can
send the question anyway. Open questions start with a question word
(wat/hoe/wie/wanneer…, what/how/who/when…).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Advice in disguise: "Heb je al geprobeerd…", "Zou je niet…", "Have you tried…".
ADVICE_PATTERNS = {
    "nl": [
        r"^heb je (er )?(al )?(eens )?(aan gedacht|geprobeerd|overwogen|gedacht aan)",
        r"^(zou|kun|kan|moet) je (niet|eens|beter|gewoon)",
        r"^waarom (doe|probeer|vraag|zeg|ga) je (niet|dan niet)",
        r"^is het (niet |geen )?(een )?(idee|beter|verstandig|handig) (om|als)",
        r"^(wat|hoe) als je (gewoon|eens|nou)",
        r"^(misschien|wellicht) (kun|kan|moet|zou) je",
        r"^(ik zou|als ik jou was)",
    ],
    "en": [
        r"^have you (already |ever )?(tried|considered|thought about)",
        r"^(wouldn'?t|would) it (not )?be (better|wiser|easier)",
        r"^(why|why don'?t) (don'?t )?you (just|simply)?",
        r"^(could|couldn'?t|should|shouldn'?t) you (not |just |maybe )?",
        r"^(what|how) about (just )?",
        r"^(maybe|perhaps) you (could|should)",
        r"^(if i were you|i would)",
    ],
}

# Closed questions start with a verb: "Ben je…", "Vind je…", "Is het…", "Do you…".
NL_VERBS = (
    "ben|heb|vind|denk|wil|weet|voel|kun|kan|mag|moet|zou|ga|doe|heeft|is|zijn|was|waren|had|hadden|"
    "werd|wordt"
)
EN_VERBS = "are|is|was|were|do|does|did|have|has|had|can|could|will|would|should|shall|may|might|must"
CLOSED_PATTERNS = {
    "nl": [rf"^({NL_VERBS}) (je|jij|u|het|er|dat|dit|ze|zij|hij|de|jullie)\b"],
    "en": [rf"^({EN_VERBS}) (you|it|they|he|she|there|this|that|the|we)\b"],
}

OPEN_WORDS = {
    "nl": ["wat", "hoe", "wie", "wanneer", "waar", "waarom", "welke", "welk", "waardoor", "in hoeverre"],
    "en": ["what", "how", "who", "when", "where", "why", "which", "in what way", "to what extent"],
}

ADVICE_HINT = _(
    "Dit klinkt als een advies in vraagvorm. Probeer eerst te begrijpen: "
    "‘Wat heb je al geprobeerd?’ of ‘Hoe kijk jij daar zelf naar?’"
)
CLOSED_HINT = _(
    "Dit is een gesloten vraag (ja of nee). Een open vraag brengt meer: begin met wat, hoe, wie of wanneer."
)


@dataclass(frozen=True)
class Verdict:
    advice: bool
    closed: bool

    @property
    def is_open(self) -> bool:
        return not (self.advice or self.closed)

    @property
    def hint(self):
        if self.advice:
            return ADVICE_HINT
        if self.closed:
            return CLOSED_HINT
        return ""


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def judge(text: str) -> Verdict:
    """How a question reads, in Dutch or English (both are tried: people mix them)."""
    sentence = _normalise(text)
    if not sentence:
        return Verdict(advice=False, closed=False)
    advice = any(re.search(p, sentence) for patterns in ADVICE_PATTERNS.values() for p in patterns)
    starts_open = any(
        sentence == word or sentence.startswith(word + " ") for words in OPEN_WORDS.values() for word in words
    )
    closed = (
        not advice
        and not starts_open
        and any(re.search(p, sentence) for patterns in CLOSED_PATTERNS.values() for p in patterns)
    )
    return Verdict(advice=advice, closed=closed)
