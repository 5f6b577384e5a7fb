"""What members may contribute in each phase of the zesfasenmodel, and what the case owner does."""

from django.db import migrations

RULES = {
    "inventarisatie": {"member_kinds": [], "case_owner_mode": "answers", "reveal_together": False},
    "analyse": {"member_kinds": ["question"], "case_owner_mode": "answers", "reveal_together": False},
    "bewustwording": {"member_kinds": ["observation"], "case_owner_mode": "answers", "reveal_together": False},
    "advies": {"member_kinds": ["advice"], "case_owner_mode": "listens", "reveal_together": True},
    "groepsthema": {"member_kinds": ["theme"], "case_owner_mode": "answers", "reveal_together": False},
    "evaluatie": {"member_kinds": [], "case_owner_mode": "answers", "reveal_together": False},
}


def apply(apps, schema_editor):
    MethodPhase = apps.get_model("meetings", "MethodPhase")
    for key, rules in RULES.items():
        MethodPhase.objects.filter(method__key="zesfasenmodel", key=key).update(**rules)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_phase_rules_contributions")]
    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
