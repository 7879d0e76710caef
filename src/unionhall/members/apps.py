from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "unionhall.members"
    label = "members"
