from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "unionhall.mandates"
    label = "mandates"
    verbose_name = "Statutory ballots and mandates"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.mandates import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)

        # Plug the statutory profile into the ballot engine: its blockers before
        # opening, the postal count in the record, the legal turnout terms.
        # Imported here, as Django asks, once the apps' models are loaded.
        from unionhall.ballots import api
        from unionhall.mandates.services import STATUTORY_PROFILE

        api.register_profile(STATUTORY_PROFILE)
