"""Casework: members ask for help, reps run cases to their deadlines, and case files stay confidential (issue 14)."""
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register


class CaseworkConfig(AppConfig):
    name = "unionhall.casework"
    label = "casework"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.casework import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)


@register(Tags.security, deploy=True)
def check_casework_keys(app_configs, **kwargs):
    """Without a key, no case can be opened or asked for: say so before deploying."""
    if not getattr(settings, "CASEWORK_KEYS", None):
        return [Error("CASEWORK_KEYS is not set, so case files cannot be sealed or opened.",
                      hint="Set CASEWORK_KEYS or CASEWORK_KEYS_FILE (see docs/casework.md).", id="casework.E001")]  # fmt: skip
    return []
