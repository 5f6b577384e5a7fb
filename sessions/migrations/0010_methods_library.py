"""The methods library: what each phase of the zesfasenmodel is for, and six more methods.

Each phase: key, minutes, names, instructions per role (nl, en), and its rules:
what members may contribute, what the case owner does, whether contributions
are written first and revealed together, and the phase's step (choosing the
case, reformulating the question, evaluating).
"""

from django.db import migrations

ZESFASEN_STEPS = {"inventarisatie": "choose", "bewustwording": "reformulate", "evaluatie": "evaluate"}


def phase(
    key, minutes, names, step="", kinds=(), owner="answers", reveal=False, *, facilitator, case_owner, member
):
    return {
        "key": key,
        "minutes": minutes,
        "name_nl": names[0],
        "name_en": names[1],
        "step": step,
        "member_kinds": list(kinds),
        "case_owner_mode": owner,
        "reveal_together": reveal,
        "facilitator_nl": facilitator[0],
        "facilitator_en": facilitator[1],
        "case_owner_nl": case_owner[0],
        "case_owner_en": case_owner[1],
        "member_nl": member[0],
        "member_en": member[1],
    }


def evaluation(minutes=10):
    return phase(
        "evaluatie",
        minutes,
        ("Evaluatie", "Evaluation"),
        "evaluate",
        facilitator=(
            "Laat iedereen de evaluatie invullen en bespreek de uitkomst: hoe ging het proces, en wat neemt ieder mee?",
            "Have everyone fill in the evaluation and discuss the outcome: how did the process go, and what does everyone take away?",
        ),
        case_owner=(
            "Vul de evaluatie in en vertel wat de bespreking je heeft gebracht.",
            "Fill in the evaluation and say what the discussion brought you.",
        ),
        member=(
            "Vul de evaluatie in: hebben we doorgevraagd, durfden we kritisch te zijn? Wat neem je mee?",
            "Fill in the evaluation: did we ask on, did we dare to be critical? What do you take away?",
        ),
    )


def choosing(key, minutes, names, facilitator):
    return phase(
        key,
        minutes,
        names,
        "choose",
        facilitator=facilitator,
        case_owner=(
            "Vertel kort over je casus en formuleer je vraag aan de groep.",
            "Describe your case briefly and state your question to the group.",
        ),
        member=(
            "Noem kort je casus als je er een hebt, en kies mee welke casus vandaag centraal staat.",
            "Briefly name your case if you have one, and help choose which case is central today.",
        ),
    )


def questions(key, minutes, names, member, facilitator):
    return phase(
        key,
        minutes,
        names,
        "",
        ["question"],
        facilitator=facilitator,
        case_owner=(
            "Beantwoord de vragen zo open als je kunt. Je hoeft nog niets op te lossen.",
            "Answer the questions as openly as you can. You do not have to solve anything yet.",
        ),
        member=member,
    )


METHODS = [
    {
        "key": "incidentmethode",
        "name_nl": "Incidentmethode",
        "name_en": "Incident method",
        "description_nl": "Kort en strak: feitelijke vragen, de inbrenger stapt even uit, dan een adviesronde.",
        "description_en": "Short and tight: factual questions, the case owner steps out for a while, then an advice round.",
        "phases": [
            phase(
                "terugblik",
                5,
                ("Terugblik", "Look back"),
                facilitator=(
                    "Vraag de inbrenger van de vorige keer wat hij of zij met de adviezen gedaan heeft.",
                    "Ask the previous case owner what they did with the advice.",
                ),
                case_owner=("Luister naar de terugblik.", "Listen to the look-back."),
                member=(
                    "Luister naar de terugblik op de vorige bijeenkomst.",
                    "Listen to the look-back on the previous meeting.",
                ),
            ),
            choosing(
                "inbreng",
                10,
                ("Inbreng", "Cases brought in"),
                (
                    "Laat ieder in een paar zinnen een incident inbrengen: een concrete, korte gebeurtenis.",
                    "Let everyone bring in an incident in a few sentences: a concrete, short event.",
                ),
            ),
            choosing(
                "keuze",
                5,
                ("Keuze", "Choice"),
                (
                    "Kies samen één incident; de leden kunnen op hun telefoon stemmen.",
                    "Choose one incident together; members can vote on their phones.",
                ),
            ),
            questions(
                "vragenronde",
                15,
                ("Vragenronde", "Question round"),
                (
                    "Stel alleen feitelijke vragen: wie, wat, waar, wanneer? Nog geen advies.",
                    "Ask factual questions only: who, what, where, when? No advice yet.",
                ),
                (
                    "Bewaak dat alleen feitelijke vragen gesteld worden, om de beurt.",
                    "Make sure only factual questions are asked, one at a time.",
                ),
            ),
            phase(
                "analyse",
                10,
                ("Analyse zonder inbrenger", "Analysis without the case owner"),
                "",
                ["observation"],
                "outside",
                facilitator=(
                    "De inbrenger stapt uit. Laat de leden in subgroepjes analyseren wat er speelt.",
                    "The case owner steps out. Let the members analyse in small groups what is going on.",
                ),
                case_owner=(
                    "Je staat buiten de kring: luister niet mee en wacht tot je teruggeroepen wordt.",
                    "You are outside the circle: do not listen in and wait until you are called back.",
                ),
                member=(
                    "Analyseer in je subgroepje: wat speelt er, wat is het eigenlijke probleem?",
                    "Analyse in your small group: what is going on, what is the real problem?",
                ),
            ),
            phase(
                "advies",
                10,
                ("Adviesronde", "Advice round"),
                "",
                ["advice"],
                "listens",
                True,
                facilitator=(
                    "Laat iedereen eerst een advies schrijven en onthul ze dan samen. De inbrenger luistert alleen.",
                    "Let everyone write their advice first, then reveal them together. The case owner only listens.",
                ),
                case_owner=(
                    "Luister alleen. Markeer daarna de adviezen die bij je passen.",
                    "Only listen. Then mark the advice that fits you.",
                ),
                member=(
                    "Schrijf je advies: respectvol, maar direct.",
                    "Write your advice: respectful, but direct.",
                ),
            ),
            evaluation(),
        ],
    },
    {
        "key": "balintmethode",
        "name_nl": "Balintmethode",
        "name_en": "Balint method",
        "description_nl": "Voor een ervaren groep van vijf of meer: eerst associaties, dan adviezen, zonder dat de inbrenger tussendoor reageert.",
        "description_en": "For an experienced group of five or more: associations first, then advice, without the case owner responding in between.",
        "phases": [
            choosing(
                "casussen",
                10,
                ("Casussen kiezen", "Choosing a case"),
                (
                    "Verzamel de casussen en kies er samen één.",
                    "Collect the cases and choose one together.",
                ),
            ),
            questions(
                "verheldering",
                15,
                ("Verhelderende vragen", "Clarifying questions"),
                (
                    "Stel verhelderende vragen, zodat je de situatie goed voor je ziet.",
                    "Ask clarifying questions, so you see the situation clearly.",
                ),
                (
                    "Laat alleen verhelderende vragen stellen; nog geen interpretaties.",
                    "Allow clarifying questions only; no interpretations yet.",
                ),
            ),
            phase(
                "associaties",
                15,
                ("Associaties", "Associations"),
                "",
                ["association"],
                "listens",
                True,
                facilitator=(
                    "Laat iedereen eerst zijn eerste associaties opschrijven en onthul ze samen. De inbrenger reageert niet.",
                    "Let everyone write down their first associations, then reveal them together. The case owner does not respond.",
                ),
                case_owner=("Luister alleen; reageer nog niet.", "Only listen; do not respond yet."),
                member=(
                    "Schrijf je eerste associaties op: beelden, gevoelens, gedachten. Ze worden samen onthuld.",
                    "Write down your first associations: images, feelings, thoughts. They are revealed together.",
                ),
            ),
            phase(
                "adviezen",
                15,
                ("Adviezen", "Advice"),
                "",
                ["advice"],
                "listens",
                True,
                facilitator=(
                    "Laat iedereen een eigen advies schrijven en onthul ze samen.",
                    "Let everyone write their own advice and reveal them together.",
                ),
                case_owner=(
                    "Luister alleen. Markeer daarna de adviezen die passen.",
                    "Only listen. Then mark the advice that fits.",
                ),
                member=("Schrijf je eigen advies.", "Write your own advice."),
            ),
            phase(
                "reactie",
                15,
                ("Reactie van de inbrenger", "The case owner responds"),
                "reformulate",
                facilitator=(
                    "Geef de inbrenger het woord: wat raakte, wat past, wat gaat hij of zij doen?",
                    "Give the case owner the floor: what touched them, what fits, what will they do?",
                ),
                case_owner=(
                    "Vertel wat je raakte en wat je gaat doen. Schrijf je vraag achter de vraag op.",
                    "Say what touched you and what you will do. Write down the question behind your question.",
                ),
                member=("Luister naar de reactie van de inbrenger.", "Listen to the case owner's response."),
            ),
            evaluation(),
        ],
    },
    {
        "key": "roddelmethode",
        "name_nl": "Roddelmethode",
        "name_en": "Gossip method",
        "description_nl": "De inbrenger zit buiten de kring en luistert alleen, terwijl de anderen over de casus praten.",
        "description_en": "The case owner sits outside the circle and only listens while the others talk about the case.",
        "phases": [
            choosing(
                "introductie",
                10,
                ("Introductie", "Introduction"),
                (
                    "Kies een casus en laat de inbrenger de situatie en de vraag vertellen.",
                    "Choose a case and let the case owner describe the situation and the question.",
                ),
            ),
            questions(
                "vragen",
                15,
                ("Open vragen", "Open questions"),
                ("Stel open vragen: wie, wat, hoe, wanneer?", "Ask open questions: who, what, how, when?"),
                (
                    "Bewaak dat er alleen open vragen gesteld worden.",
                    "Make sure only open questions are asked.",
                ),
            ),
            phase(
                "roddelen",
                15,
                ("Roddelfase", "Gossip phase"),
                "",
                ["observation", "association"],
                "outside",
                facilitator=(
                    "De inbrenger draait de stoel om en zit buiten de kring. Laat de groep over de inbrenger praten, niet tegen hem of haar.",
                    "The case owner turns their chair and sits outside the circle. Let the group talk about the case owner, not to them.",
                ),
                case_owner=(
                    "Je zit buiten de kring, met je rug naar de groep. Luister alleen en maak aantekeningen.",
                    "You sit outside the circle, with your back to the group. Only listen and take notes.",
                ),
                member=(
                    "Praat over de inbrenger alsof hij of zij er niet is: wat valt je op, wat denk je dat er speelt?",
                    "Talk about the case owner as if they were not there: what strikes you, what do you think is going on?",
                ),
            ),
            phase(
                "reactie",
                10,
                ("Wat viel op", "What struck me"),
                "reformulate",
                facilitator=(
                    "De inbrenger komt terug in de kring en vertelt wat opviel.",
                    "The case owner comes back into the circle and says what struck them.",
                ),
                case_owner=(
                    "Vertel wat je opviel. Schrijf op wat nu je vraag achter de vraag is.",
                    "Say what struck you. Write down what the question behind your question is now.",
                ),
                member=("Luister naar de inbrenger.", "Listen to the case owner."),
            ),
            evaluation(),
        ],
    },
    {
        "key": "vijfstappenmethode",
        "name_nl": "Vijfstappenmethode",
        "name_en": "Five-step method",
        "description_nl": "Vraag, verkennen, kern, advies, evaluatie: het basismodel in vijf stappen.",
        "description_en": "Question, exploring, core, advice, evaluation: the basic model in five steps.",
        "phases": [
            choosing(
                "vraag",
                10,
                ("De vraag", "The question"),
                (
                    "Kies een casus en laat de inbrenger de vraag inleiden.",
                    "Choose a case and let the case owner introduce the question.",
                ),
            ),
            questions(
                "verkennen",
                20,
                ("Verkennen", "Exploring"),
                (
                    "Verken de vraag met open vragen. Vraag door, nog geen advies.",
                    "Explore the question with open questions. Ask on, no advice yet.",
                ),
                (
                    "Bewaak dat de vraag verkend wordt met open vragen.",
                    "Make sure the question is explored with open questions.",
                ),
            ),
            phase(
                "kern",
                10,
                ("De kern", "The core"),
                "reformulate",
                ["observation"],
                facilitator=(
                    "Laat de inbrenger de kern van de vraag formuleren.",
                    "Have the case owner put the core of the question into words.",
                ),
                case_owner=(
                    "Formuleer de kern: wat is de vraag achter je vraag?",
                    "State the core: what is the question behind your question?",
                ),
                member=(
                    "Toets de kern: klopt dit met wat je gehoord hebt?",
                    "Check the core: does it match what you heard?",
                ),
            ),
            phase(
                "advies",
                15,
                ("Adviesronde", "Advice round"),
                "",
                ["advice"],
                "listens",
                True,
                facilitator=(
                    "Laat ieder eerst een advies schrijven en onthul ze samen.",
                    "Let everyone write their advice first and reveal them together.",
                ),
                case_owner=(
                    "Luister alleen. Markeer daarna wat past.",
                    "Only listen. Then mark what fits.",
                ),
                member=(
                    "Schrijf je advies: respectvol, maar direct.",
                    "Write your advice: respectful, but direct.",
                ),
            ),
            evaluation(),
        ],
    },
    {
        "key": "socratisch-gesprek",
        "name_nl": "Socratisch gesprek",
        "name_en": "Socratic dialogue",
        "description_nl": "Gericht op herformuleren, niet op oplossen: van een concreet voorbeeld naar de onderliggende waarden. Trek er minstens anderhalf uur voor uit.",
        "description_en": "Aimed at reformulating, not solving: from a concrete example to the underlying values. Allow at least an hour and a half.",
        "phases": [
            choosing(
                "voorbeeld",
                15,
                ("Een concreet voorbeeld", "A concrete example"),
                (
                    "Kies een concreet, zelf beleefd voorbeeld en laat het vertellen.",
                    "Choose a concrete example the case owner lived through and have it told.",
                ),
            ),
            questions(
                "verheldering",
                20,
                ("Verheldering", "Clarification"),
                (
                    "Stel vragen die het voorbeeld helderder maken.",
                    "Ask questions that make the example clearer.",
                ),
                (
                    "Laat vragen stellen die het voorbeeld verhelderen, niet beoordelen.",
                    "Allow questions that clarify the example, not judge it.",
                ),
            ),
            phase(
                "kernuitspraak",
                15,
                ("Kernuitspraak", "Core statement"),
                "reformulate",
                facilitator=(
                    "Laat de inbrenger een kernuitspraak formuleren: 'Toen deed ik …, omdat …'.",
                    "Have the case owner state a core statement: 'Then I did …, because …'.",
                ),
                case_owner=(
                    "Formuleer je kernuitspraak: 'Toen deed ik …, omdat …'.",
                    "State your core statement: 'Then I did …, because …'.",
                ),
                member=("Luister naar de kernuitspraak.", "Listen to the core statement."),
            ),
            phase(
                "eigen-uitspraak",
                15,
                ("Ieders eigen uitspraak", "Everyone's own statement"),
                "",
                ["observation"],
                "answers",
                True,
                facilitator=(
                    "Laat ieder een eigen uitspraak schrijven: wat zou ik gedaan hebben, en waarom? Onthul ze samen.",
                    "Let everyone write their own statement: what would I have done, and why? Reveal them together.",
                ),
                case_owner=(
                    "Luister naar de uitspraken van de anderen.",
                    "Listen to the others' statements.",
                ),
                member=(
                    "Schrijf je eigen uitspraak: 'Ik zou … doen, omdat …'.",
                    "Write your own statement: 'I would do …, because …'.",
                ),
            ),
            phase(
                "waarden",
                15,
                ("Onderliggende waarden", "Underlying values"),
                "",
                ["theme"],
                facilitator=(
                    "Zoek samen de waarden onder de uitspraken: wat vinden we belangrijk?",
                    "Look together for the values beneath the statements: what do we find important?",
                ),
                case_owner=(
                    "Zoek mee naar de waarden onder je eigen uitspraak.",
                    "Look for the values beneath your own statement.",
                ),
                member=(
                    "Welke waarde zit onder de uitspraken? Schrijf die op.",
                    "Which value lies beneath the statements? Write it down.",
                ),
            ),
            evaluation(),
        ],
    },
    {
        "key": "kwaliteitenmethode",
        "name_nl": "Kwaliteitenmethode",
        "name_en": "Qualities method",
        "description_nl": "Met het kernkwadrant van Ofman eronder: kwaliteiten benoemen, dan ieders 'jouw uitdaging is …'.",
        "description_en": "With Ofman's core quadrant underneath: name qualities, then everyone's 'your challenge is …'.",
        "phases": [
            choosing(
                "vraag",
                10,
                ("De vraag", "The question"),
                (
                    "Kies een casus en laat de inbrenger de vraag stellen.",
                    "Choose a case and let the case owner state the question.",
                ),
            ),
            questions(
                "vragen",
                15,
                ("Vragen", "Questions"),
                (
                    "Stel om de beurt een paar open vragen.",
                    "Take turns to ask a couple of open questions.",
                ),
                (
                    "Laat ieder om de beurt een paar vragen stellen.",
                    "Let everyone ask a couple of questions in turn.",
                ),
            ),
            phase(
                "kwaliteiten",
                10,
                ("Kwaliteiten", "Qualities"),
                "",
                ["observation"],
                "listens",
                facilitator=(
                    "Doe een ronde waarin ieder de kwaliteiten van de inbrenger noemt.",
                    "Do a round in which everyone names the case owner's qualities.",
                ),
                case_owner=("Luister naar je kwaliteiten.", "Listen to your qualities."),
                member=(
                    "Welke kwaliteit van de inbrenger zie je in deze casus?",
                    "Which quality of the case owner do you see in this case?",
                ),
            ),
            phase(
                "uitdaging",
                15,
                ("Jouw uitdaging is …", "Your challenge is …"),
                "",
                ["advice"],
                "listens",
                True,
                facilitator=(
                    "Laat ieder eerst 'jouw uitdaging is …' opschrijven en onthul ze samen.",
                    "Let everyone first write 'your challenge is …', then reveal them together.",
                ),
                case_owner=(
                    "Luister alleen. Markeer daarna welke uitdagingen passen.",
                    "Only listen. Then mark which challenges fit.",
                ),
                member=("Schrijf op: 'Jouw uitdaging is …'.", "Write down: 'Your challenge is …'."),
            ),
            phase(
                "eigen-uitdaging",
                10,
                ("Eigen uitdaging", "Own challenge"),
                "reformulate",
                facilitator=(
                    "Laat de inbrenger de eigen uitdaging formuleren.",
                    "Have the case owner state their own challenge.",
                ),
                case_owner=(
                    "Formuleer je eigen uitdaging en wat je gaat doen.",
                    "State your own challenge and what you will do.",
                ),
                member=("Luister naar de inbrenger.", "Listen to the case owner."),
            ),
            phase(
                "meenemen",
                10,
                ("Wat neem ik mee", "What I take away"),
                "",
                ["theme"],
                facilitator=(
                    "Laat ieder zeggen wat hij of zij uit deze casus meeneemt.",
                    "Let everyone say what they take away from this case.",
                ),
                case_owner=("Wat neem je zelf mee?", "What do you take away yourself?"),
                member=(
                    "Wat neem je mee voor je eigen werk? Schrijf het thema op.",
                    "What do you take away for your own work? Write down the theme.",
                ),
            ),
            evaluation(),
        ],
    },
]


def create(apps, schema_editor):
    Method = apps.get_model("meetings", "Method")
    MethodPhase = apps.get_model("meetings", "MethodPhase")
    for key, step in ZESFASEN_STEPS.items():
        MethodPhase.objects.filter(method__key="zesfasenmodel", key=key).update(step=step)
    for data in METHODS:
        data = dict(data)
        phases = data.pop("phases")
        method, _ = Method.objects.update_or_create(key=data.pop("key"), defaults=data)
        for order, fields in enumerate(phases):
            method.phases.update_or_create(key=fields["key"], defaults={"order": order, **fields})


def remove(apps, schema_editor):
    apps.get_model("meetings", "Method").objects.filter(key__in=[m["key"] for m in METHODS]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0009_rounds_votes_evaluations_methods")]
    operations = [migrations.RunPython(create, remove)]
