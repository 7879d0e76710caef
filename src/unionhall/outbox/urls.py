from django.urls import include, path

from unionhall.outbox import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="outbox_unsubscribe"),
    # Providers' tracking webhooks: /outbox/anymail/<provider>/tracking/ (webhooks.py).
    path("anymail/", include("anymail.urls")),
]
