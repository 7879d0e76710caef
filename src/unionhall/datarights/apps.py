from django.apps import AppConfig


class DatarightsConfig(AppConfig):
    name = "unionhall.datarights"
    label = "datarights"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.datarights import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)
        # Keep which members each register export holds (members.views.register_export).
        from unionhall.datarights.register_exports import register_export_record

        personal_data.on_register_export(register_export_record)
        # Tell apps how long HQ keeps each kind of data (campaigns tells writers).
        from unionhall.datarights.retention import period_days

        personal_data.read_periods_with(period_days)
