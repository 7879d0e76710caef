"""The rule profiles and rules in mandates/rules.json. Later changes in the
law are recorded by HQ in the app (audited), not by migrations."""

from django.db import migrations


def seed(apps, schema_editor):
    from unionhall.mandates.rules import seed_rules

    seed_rules(apps.get_model("mandates", "Profile"), apps.get_model("mandates", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("mandates", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
