from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "unionhall.campaigns"
    label = "campaigns"
