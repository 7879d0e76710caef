from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "unionhall.members"
    label = "members"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.members import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)

        from unionhall.members import receivers  # noqa: F401  (connects the audit receivers)
