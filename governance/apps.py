from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance: policies, content rules, crisis, audit"

    def ready(self) -> None:
        from coe import audit
        from governance import extensions
        from governance.services.audit import audit_entry_record

        audit.register_recorder(audit_entry_record)
        extensions.register()
