from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "unionhall.surveys"
    label = "surveys"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.surveys import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
