from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "unionhall.mandates"
    label = "mandates"
    verbose_name = "Statutory ballots and mandates"

    def ready(self):
        # Plug the statutory profile into the ballot engine: its blockers before
        # opening, the postal count in the record, the legal turnout terms.
        # Imported here, as Django asks, once the apps' models are loaded.
        from unionhall.ballots import api
        from unionhall.mandates.services import STATUTORY_PROFILE

        api.register_profile(STATUTORY_PROFILE)
