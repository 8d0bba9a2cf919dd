"""Pages of the governance app: policies, content rules, crisis management, the audit trail."""

from django.urls import path

from governance.views import audit

app_name = "governance"

urlpatterns: list = [
    # --- policies and acknowledgments (governance.views.policies) ---
    # --- content rules (governance.views.rules) ---
    # --- crisis (governance.views.crisis) ---
    # --- audit trail (governance.views.audit) ---
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
