from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "unionhall.campaigns"
    label = "campaigns"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.campaigns import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
