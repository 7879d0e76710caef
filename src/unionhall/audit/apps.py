from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "unionhall.audit"
    label = "audit"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.audit import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)

        post_migrate.connect(_ensure_heads, sender=self)


def _ensure_heads(sender, using, apps=global_apps, **kwargs):
    """After every migrate (and a flush, which sends no ``apps``), give each
    chain UNIONHALL_AUDIT_CHAINS asks for a head, so writers find one to lock."""
    try:
        head = apps.get_model("audit", "AuditHead")
    except LookupError:
        return
    if "chain" not in {f.name for f in head._meta.fields}:
        return  # migrated only part of the way (before chains)
    from unionhall.audit.services import audit_heads_ensure  # models load only once the app registry is ready

    audit_heads_ensure(using=using)
