from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "unionhall.elections"
    label = "elections"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.elections import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
