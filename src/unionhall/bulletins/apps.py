from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "unionhall.bulletins"
    label = "bulletins"
