"""The basic six-phase model (zesfasenmodel), the default method of every meeting."""

from django.db import migrations

PHASES = [
    {
        "key": "inventarisatie",
        "minutes": 10,
        "name_nl": "Probleem\u00adinventarisatie",  # a soft hyphen: it breaks there on narrow screens
        "name_en": "Problem inventory",
        "facilitator_nl": "Laat iedereen kort een casus noemen, in een paar zinnen. Kies samen één casus en laat de inbrenger de vraag formuleren.",
        "facilitator_en": "Let everyone briefly name a case, in a few sentences. Choose one case together and have the case owner state the question.",
        "case_owner_nl": "Vertel in een paar zinnen over je casus en formuleer je vraag aan de groep.",
        "case_owner_en": "Describe your case in a few sentences and state your question to the group.",
        "member_nl": "Noem kort een casus als je er een hebt, in een paar zinnen. Help kiezen welke casus vandaag centraal staat.",
        "member_en": "Briefly name a case if you have one, in a few sentences. Help choose which case is central today.",
    },
    {
        "key": "analyse",
        "minutes": 20,
        "name_nl": "Analyse",
        "name_en": "Analysis",
        "facilitator_nl": "Bewaak dat er alleen open vragen worden gesteld: geen advies, geen oordeel. Moedig doorvragen aan, ook naar gedachten en gevoelens.",
        "facilitator_en": "Make sure only open questions are asked: no advice, no judgement. Encourage asking on, about thoughts and feelings too.",
        "case_owner_nl": "Beantwoord de vragen zo open als je kunt. Je hoeft nog niets op te lossen.",
        "case_owner_en": "Answer the questions as openly as you can. You do not have to solve anything yet.",
        "member_nl": "Stel open vragen: wie, wat, hoe, wanneer? Vraag door, ook naar gedachten en gevoelens. Nog geen advies en geen oordeel.",
        "member_en": "Ask open questions: who, what, how, when? Ask on, about thoughts and feelings too. No advice and no judgement yet.",
    },
    {
        "key": "bewustwording",
        "minutes": 15,
        "name_nl": "Bewustwording",
        "name_en": "Awareness",
        "facilitator_nl": "Vraag de inbrenger het probleem opnieuw te formuleren: de vraag achter de vraag, en het eigen aandeel daarin. Laat de groep die formulering toetsen.",
        "facilitator_en": "Ask the case owner to reformulate the problem: the question behind the question, and their own part in it. Let the group check the reformulation.",
        "case_owner_nl": "Formuleer je vraag opnieuw: wat is de vraag achter de vraag, en wat is jouw eigen aandeel?",
        "case_owner_en": "Reformulate your question: what is the question behind the question, and what is your own part in it?",
        "member_nl": "Luister naar de nieuwe formulering van de inbrenger en toets die: klopt dit met wat je gehoord hebt?",
        "member_en": "Listen to the case owner's reformulation and check it: does it match what you heard?",
    },
    {
        "key": "advies",
        "minutes": 15,
        "name_nl": "Advies",
        "name_en": "Advice",
        "facilitator_nl": "Laat ieder lid een advies geven. De inbrenger luistert en kiest daarna wat past.",
        "facilitator_en": "Let every member give advice. The case owner listens, then chooses what fits.",
        "case_owner_nl": "Luister naar de adviezen zonder te reageren. Kies daarna wat bij jou past.",
        "case_owner_en": "Listen to the advice without responding. Then choose what fits you.",
        "member_nl": "Geef je advies: respectvol, maar direct. Bijvoorbeeld: 'Als ik jou was, zou ik…'",
        "member_en": "Give your advice: respectful, but direct. For example: 'If I were you, I would…'",
    },
    {
        "key": "groepsthema",
        "minutes": 15,
        "name_nl": "Groepsthema",
        "name_en": "Group theme",
        "facilitator_nl": "Welk algemeen thema laat deze casus zien voor ons allemaal? Laat ieder zeggen wat hij of zij meeneemt.",
        "facilitator_en": "What general theme does this case show for all of us? Let everyone say what they take from it.",
        "case_owner_nl": "Denk mee: welk thema uit jouw casus speelt ook bij de anderen?",
        "case_owner_en": "Think along: which theme in your case plays a part for the others too?",
        "member_nl": "Welk thema uit deze casus herken je in je eigen werk? Wat neem je zelf mee?",
        "member_en": "Which theme in this case do you recognise in your own work? What do you take from it?",
    },
    {
        "key": "evaluatie",
        "minutes": 10,
        "name_nl": "Evaluatie",
        "name_en": "Evaluation",
        "facilitator_nl": "Bespreek hoe het proces ging, wat het de inbrenger en de groep heeft gebracht, en wat de inbrenger gaat doen.",
        "facilitator_en": "Discuss how the process went, what it brought the case owner and the group, and what the case owner is going to do.",
        "case_owner_nl": "Vertel wat de bespreking je heeft gebracht en wat je ermee gaat doen.",
        "case_owner_en": "Say what the discussion brought you and what you are going to do with it.",
        "member_nl": "Hoe ging het proces? Hebben we genoeg doorgevraagd, en durfden we kritisch te zijn?",
        "member_en": "How did the process go? Did we ask on enough, and did we dare to be critical?",
    },
]


def create(apps, schema_editor):
    Method = apps.get_model("meetings", "Method")
    method, _ = Method.objects.update_or_create(
        key="zesfasenmodel",
        defaults={
            "name_nl": "Zesfasenmodel",
            "name_en": "Six-phase model",
            "description_nl": "Het basismodel: eerst de vraag verkennen, dan pas adviseren.",
            "description_en": "The basic model: explore the question first, only then advise.",
        },
    )
    for order, phase in enumerate(PHASES):
        method.phases.update_or_create(key=phase["key"], defaults={"order": order, **phase})


def remove(apps, schema_editor):
    apps.get_model("meetings", "Method").objects.filter(key="zesfasenmodel").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
