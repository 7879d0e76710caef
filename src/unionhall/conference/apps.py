from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "unionhall.conference"
    label = "conference"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.conference import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
