from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "unionhall.ballots"
    label = "ballots"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.ballots import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
