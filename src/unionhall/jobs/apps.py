from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "unionhall.jobs"
    label = "jobs"
    verbose_name = "periodic jobs"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.jobs import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
