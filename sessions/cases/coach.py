"""The question coach: a gentle hint when a question is advice in disguise or closed.

The patterns are data, per language; both languages are tried, since people mix them. A hint
never blocks: the member can send the question anyway. How a question is read:

1. A short preamble is set aside ("Ik vraag me af, …", "Even checken: …", "Just checking: …").
   After one, "of …" / "whether …" is an indirect yes/no question ("Ik vraag me af of …").
2. Advice in disguise: a suggestion of what the case owner could do, phrased as a question
   ("Waarom bel je hem niet gewoon op?", "Zou het helpen als …", "Why not …?", "What if you …").
3. An invitation to tell more ("Kun je daar meer over vertellen?") is an open question.
4. Closed: the question starts with a verb and its subject ("Ben je …", "Vindt u …", "Do you …").
5. Open questions start with a question word (wat/hoe/wie…, what/how/who…) or are neither.

The labelled questions in `tests/cases/coach_questions.py` measure it; the figures are in
`docs/performance.md`.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

YOU = {"nl": r"(?:je|jij|u)", "en": r"you"}
# Dutch past tenses that do not end in -de/-te ("Waarom deed je dat niet?" asks for a reason).
NL_IRREGULAR_PAST = "deed|ging|zei|nam|kwam|liet|bleef|sprak|gaf|zag|wist|dacht|kon|moest|mocht|wou|was|had"

# Words that open a question without being part of it; set aside before judging.
PREAMBLES = {
    "nl": [
        r"ik (?:vraag|vroeg) me (?:dus |wel |eigenlijk )?af",
        r"(?:even|nog even|ik wil even) (?:checken|controleren|voor de duidelijkheid)",
        r"ik ben (?:wel |erg |heel |gewoon )?(?:benieuwd|nieuwsgierig)",
        r"mag ik (?:iets |je iets |u iets )?vragen",
        r"(?:nog )?een vraag(?:je)?|vraagje",
        r"eerlijk gezegd|om eerlijk te zijn|vertel eens",
        r"dus|en|maar|oké|ok|okay|nou|goh|ja",
    ],
    "en": [
        r"i(?:'m| am) (?:just |really )?(?:curious|wondering)|i (?:just )?wonder(?:ed)?|i was wondering",
        r"just (?:checking|wondering|to check|to be clear)|quick (?:check|question)|out of curiosity",
        r"(?:can|may|could) i ask(?: you)?",
        r"to be honest|honestly",
        r"so|and|but|ok|okay|well",
    ],
}
# After a preamble, "of" / "whether" makes the rest an indirect yes/no question.
INDIRECT_YES_NO = {"nl": r"of", "en": r"whether|if"}

# Advice in disguise. `{you}` stands for the language's words for the case owner, `{NL_IRREGULAR_PAST}`
# for the list above.
ADVICE_PATTERNS = {
    "nl": [
        # "Heb je (er al eens aan) gedacht / overwogen / geprobeerd …", "Heb je wel eens gedacht aan …"
        r"^(?:heb|hebt|heeft) {you}\b.*\b(?:gedacht aan|(?:er)?aan gedacht|overwogen|geprobeerd)\b",
        # "Zou je kunnen overwegen …", "Overweeg je …"
        r"\b(?:overweeg|overwegen)\b.*\bom\b|^overweeg {you}\b",
        # A modal with a nudge: "Kun je niet gewoon …", "Zou u niet eens …", "Had je niet beter …"
        r"^(?:zou|zoudt|kun|kunt|kan|moet|wil|wilt|had|mag) {you}\b.*\b(?:niet|eens|gewoon|beter)\b",
        # "Waarom bel je hem niet (gewoon) op?", "Waarom heb je … nog niet …"; in the past tense it asks
        # for a reason ("Waarom belde je hem niet terug?", "Waarom deed je dat niet?").
        r"^waarom (?!\w+(?:de|te|den|ten) |(?:{NL_IRREGULAR_PAST}) )\w+ {you}\b.*\bniet\b",
        r"^waarom (?:dan )?niet\b",
        # Helping or paying off: "Zou het helpen als …", "Zou een gesprek niet helpen?", "Heeft het zin om …"
        r"^(?:zou|zal|kan|helpt|gaat)\b.*\b(?:helpen|helpt|opleveren|schelen|verschil maken)\b",
        r"^(?:zou|heeft|had) (?:het|dat) (?:\w+ )?zin\b",
        # "Is het (geen) idee / een optie …", "Zou het een oplossing zijn …", "Lijkt het je geen goed idee …"
        r"^(?:is|zou|lijkt|wordt|was) (?:het|dat)\b.*\b(?:idee|optie|oplossing|plan)\b",
        # "Is het niet beter / verstandiger / mogelijk om …" ("Is het beter geworden?" is a yes/no question)
        r"^(?:is|zou|lijkt|wordt|was) (?:het|dat)\b.*\b(?:beter|verstandig|verstandiger|handig|handiger|slim|"
        r"slimmer|makkelijker|wijs|wijzer|zinvol|zinvoller|mogelijk)\b.*\b(?:om|als|te)\b",
        # Willingness to act: "Ben je bereid om …", "Sta je open voor …"
        r"^(?:ben|bent|zou|zoudt|zijn) {you}\b.*\b(?:bereid|genegen)\b|^sta {you} open voor\b",
        # "Wat als je …", "Hoe zou het zijn als je …"; "Wat als hij …" is a scenario, not advice, and so is
        # one that asks on with a question word ("Wat als je manager weggaat, hoe ga je dan verder?").
        r"^(?:wat|hoe) als {you}\b(?!.*\b(?:wat|hoe|wie|waar|wanneer|welke?)\b)",
        r"^(?:wat|hoe) zou (?:het|dat) (?:\w+ )?zijn als {you}\b",
        # A condition with a nudge: "Wat zou er gebeuren als je het gewoon vraagt?", "Stel dat je gewoon …"
        r"\b(?:als|stel (?:je voor |nou )?dat) {you}\b.*\b(?:gewoon|eens|nou|toch)\b",
        # A condition followed by a yes/no: "Als je eerst met haar praat, wordt het dan niet makkelijker?";
        # "Stel dat je het aankaart?". A question word after it makes it open ("Als je terugkijkt, wat …").
        r"^(?:als|stel dat|stel nou dat|wat nou als) {you}\b(?!.*\b(?:wat|hoe|wie|waar|wanneer|welke?)\b)",
        # "Wat houdt je tegen om …", "Is er een reden dat je … niet …"
        r"^wat (?:houdt|weerhoudt|let) (?:je|jou|u)\b",
        r"^wat (?:dacht|denk|zeg) {you} (?:van|ervan om)\b",
        r"^is er (?:een )?reden\b.*\bniet\b",
        # "Misschien kun je …", "Ik zou …", "Als ik jou was …"
        r"^(?:misschien|wellicht|anders) (?:kun|kan|moet|zou|is|wil)\b",
        r"^(?:ik zou|als ik jou was|als ik u was)\b",
    ],
    "en": [
        # "Have you tried / considered / thought of …", "Did you try …", "Ever thought of …"
        r"^(?:have|had|did) {you}\b.*\b(?:tried|try|considered|consider|thought of|thought about|think of|"
        r"think about|looked into)\b",
        r"^(?:ever|never) (?:thought|considered|tried)\b",
        # "Why not …?", "Why don't you …"; a past "Why didn't you …" asks for a reason unless "just".
        r"^why (?:not|don'?t|won'?t|wouldn'?t|can'?t|haven'?t|aren'?t|shouldn'?t)\b",
        r"^why didn'?t {you}\b.*\b(?:just|simply)\b",
        r"^how come {you} (?:haven'?t|don'?t|won'?t|aren'?t)\b",
        # Helping or paying off: "Would it help to …", "Might it help if …", "Would it be worth …"
        r"^(?:would|could|might|will|does|do|can) (?:it|that|this)\b.*\b(?:help|be worth|make sense)\b",
        r"^(?:would|could|might|wouldn'?t|couldn'?t) (?!you\b)(?:\w+ ){1,3}(?:not )?help\b",
        r"^do {you} think (?:it|that|you)\b.*\b(?:help|should|could|better)\b",
        # "Wouldn't it be better …", "Would it not be wiser …", "Isn't it time to …"
        r"^(?:wouldn'?t|won'?t|isn'?t|would|is) (?:it|that) (?:not )?(?:be )?(?:better|wise|wiser|easier|"
        r"smarter|time|an idea|a good idea|worth|make sense|help)\b",
        # "Is it an idea / an option / possible to …"; "Is it possible that …" is a yes/no question.
        r"^is it (?:not )?(?:an idea|a good idea|an option|possible|better|wiser|easier|time) (?:to|if)\b",
        r"^is it worth\b",
        # "Is it an option for …", "Would it be a solution to …"
        r"^(?:is|would|could|isn'?t|wouldn'?t) (?:it|that) (?:not )?(?:be )?(?:an?|a good) "
        r"(?:idea|option|solution|plan)\b",
        # Willingness to act: "Are you willing to …", "Would you be open to …"
        r"^(?:are|would|will) {you} (?:be )?(?:willing|prepared|open to)\b",
        # A modal with a nudge: "Couldn't you …", "Can't you just …", "Could you perhaps …", "Should you …"
        r"^(?:couldn'?t|shouldn'?t|can'?t|wouldn'?t|should) {you}\b",
        r"^(?:could|can|would) {you}\b.*\b(?:not|just|simply|maybe|perhaps|try)\b",
        r"^(?:would|will) {you} (?:be willing|consider|think about)\b",
        r"^don'?t {you} think\b",
        r"^any chance {you}\b",
        # "What if you …", "How / what about …"; "What if nothing changes" is a scenario.
        r"^what if {you}\b",
        r"^(?:how|what) about\b",
        r"\b(?:stopping|stops|keeping|keeps|holding) {you} (?:back )?from\b",
        # "Is there a reason you haven't …"
        r"^is there (?:a|any) reason\b.*(?:\bnot\b|n't\b)",
        # A condition: "If you talked to her first, wouldn't that …"; "what would happen if you just …"
        r"\b(?:if|imagine|suppose|say) {you} (?:just|simply)\b",
        r"^if {you}\b(?!.*\b(?:what|how|who|where|when|which)\b)",
        # "Maybe you could …", "If I were you …", "I would …"
        r"^(?:maybe|perhaps) (?:you|it|try)\b",
        r"^(?:if i were you|i would|i'?d)\b",
    ],
}

# An invitation to tell more is open, though it starts like a yes/no question.
INVITATION_PATTERNS = {
    "nl": [
        r"^(?:kun|kunt|kan|wil|wilt|zou|zoudt) {you}\b.*\b(?:vertellen|uitleggen|beschrijven|toelichten|"
        r"voorbeeld|schetsen)\b"
    ],
    "en": [
        r"^(?:could|can|would|will) {you}\b.*\b(?:tell (?:us|me|more)|explain|describe|(?:an|some) examples?|"
        r"say more|walk us|elaborate)\b"
    ],
}

# Closed questions start with a verb and its subject: "Ben je…", "Vindt u…", "Speelt dit…", "Do you…".
# Dutch verbs as stems: a `t` or `en` may follow ("vind" → "vindt", "vinden").
NL_VERBS = (
    "ben|bent|heb|hebt|heeft|hebben|is|zijn|was|waren|had|hadden|wordt|word|werd|"
    "kun|kunt|kunnen|kan|mag|mogen|moet|moeten|zou|zoudt|zouden|wil|wilt|willen|zal|zult|zullen|"
    "ga|gaat|gaan|doe|doet|doen|sta|staat|zie|ziet|zien|weet|weten|"
    "vind|denk|voel|merk|herken|ken|hoor|krijg|snap|begrijp|ervaar|verwacht|durf|praat|spreek|"
    "speel|werk|klop|luk|gebeur|help|hoop|twijfel|maak|lig|zit|blijf|vertrouw|geloof|mis|schaam|"
    "vraag|zeg|deel|reageer|leef|woon|heers|bestaa?"
)
NL_SUBJECTS = "je|jij|u|jullie|het|er|dat|dit|die|ze|zij|hij|de|een|jouw|uw|we|wij|men|iemand"
EN_VERBS = (
    "are|is|was|were|do|does|did|have|has|had|can|could|will|would|should|shall|may|might|must|"
    "aren'?t|isn'?t|wasn'?t|weren'?t|don'?t|doesn'?t|didn'?t|haven'?t|hasn'?t|won'?t"
)
EN_SUBJECTS = (
    "you|it|they|he|she|there|this|that|these|those|the|we|i|your|his|her|their|my|our|anyone|someone|people"
)
# In Dutch a question's word order gives it away too: a word before `je`/`jij`/`u` at the start is its
# verb ("Slaap je …", "Voelde je …"), unless it is a conjunction or preposition ("Als je …").
NL_NOT_VERBS = (
    "als|toen|omdat|nu|dat|zodra|sinds|terwijl|voordat|nadat|zoals|hoewel|tenzij|of|en|maar|dus|want|"
    "met|voor|van|bij|door|om|over|na|in|op|aan|zonder|tegen|naar|uit|zo|ook|dan|toch|echt|stel"
)
CLOSED_PATTERNS = {
    "nl": [
        rf"^(?:{NL_VERBS})(?:t|en)? (?:{NL_SUBJECTS})\b",
        rf"^(?!(?:{NL_NOT_VERBS}) )[a-z]+ (?:je|jij|u)\b",
        r"^klopt\b",
    ],
    "en": [rf"^(?:{EN_VERBS}) (?:{EN_SUBJECTS})\b"],
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


def _compile(patterns: dict[str, list[str]]) -> list[re.Pattern]:
    return [
        re.compile(p.replace("{you}", YOU[language]).replace("{NL_IRREGULAR_PAST}", NL_IRREGULAR_PAST))
        for language, ps in patterns.items()
        for p in ps
    ]


_ADVICE = _compile(ADVICE_PATTERNS)
_INVITATION = _compile(INVITATION_PATTERNS)
_CLOSED = _compile(CLOSED_PATTERNS)
_PREAMBLE = re.compile(r"^(?:" + "|".join(p for ps in PREAMBLES.values() for p in ps) + r")\b[\s,:;.!-]*")
_INDIRECT = re.compile(r"^(?:" + "|".join(INDIRECT_YES_NO.values()) + r") ")
_OPEN_START = re.compile(r"^(?:" + "|".join(w for ws in OPEN_WORDS.values() for w in ws) + r")\b")


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
    return " ".join(text.lower().replace("’", "'").replace("‘", "'").split())


def _without_preamble(sentence: str) -> tuple[str, bool]:
    """The question without its preamble(s), and whether it is an indirect yes/no question."""
    stripped = False
    while (rest := _PREAMBLE.sub("", sentence, count=1)) != sentence and rest:
        sentence, stripped = rest, True
    if stripped and (rest := _INDIRECT.sub("", sentence, count=1)) != sentence:
        return rest, True
    return sentence, False


def judge(text: str) -> Verdict:
    """How a question reads, in Dutch or English (both are tried: people mix them)."""
    sentence, indirect = _without_preamble(_normalise(text))
    if not sentence:
        return Verdict(advice=False, closed=False)
    if any(p.search(sentence) for p in _ADVICE):
        return Verdict(advice=True, closed=False)
    if indirect:
        return Verdict(advice=False, closed=True)
    if _OPEN_START.search(sentence) or any(p.search(sentence) for p in _INVITATION):
        return Verdict(advice=False, closed=False)
    return Verdict(advice=False, closed=any(p.search(sentence) for p in _CLOSED))
