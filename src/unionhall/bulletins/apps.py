from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "unionhall.bulletins"
    label = "bulletins"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.bulletins import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
