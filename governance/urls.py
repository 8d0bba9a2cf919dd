"""Pages of the governance app: policies, content rules, crisis management, the audit trail."""

from django.urls import path

from governance.views import audit, crisis, policies, rules

app_name = "governance"

urlpatterns: list = [
    # --- policies and acknowledgments (governance.views.policies) ---
    path("policies/", policies.policy_list, name="policy_list"),
    path("policies/new/", policies.policy_create, name="policy_create"),
    path("policies/preview/", policies.policy_preview, name="policy_preview"),
    path("policies/compliance/", policies.policy_compliance, name="policy_compliance"),
    path("policies/compliance/export.csv", policies.policy_compliance_export, name="policy_compliance_export"),
    path("policies/<slug:slug>/", policies.policy_detail, name="policy_detail"),
    path("policies/<slug:slug>/edit/", policies.policy_edit, name="policy_edit"),
    path("policies/<slug:slug>/acknowledge/", policies.policy_acknowledge, name="policy_acknowledge"),
    path("policies/<slug:slug>/diff/", policies.policy_diff, name="policy_diff"),
    path("policies/<slug:slug>/versions/new/", policies.version_draft, name="policy_version_draft"),
    path("policies/<slug:slug>/versions/<int:number>/", policies.version_detail, name="policy_version_detail"),
    path("policies/<slug:slug>/versions/<int:number>/edit/", policies.version_edit, name="policy_version_edit"),
    path(
        "policies/<slug:slug>/versions/<int:number>/publish/", policies.version_publish, name="policy_version_publish"
    ),
    path("policies/<slug:slug>/versions/<int:number>/retire/", policies.version_retire, name="policy_version_retire"),
    path("policies/<slug:slug>/versions/<int:number>/delete/", policies.version_delete, name="policy_version_delete"),
    # --- content rules (governance.views.rules) ---
    path("rules/", rules.rule_list, name="rule_list"),
    path("rules/new/", rules.rule_edit, name="rule_create"),
    path("rules/test/", rules.rule_tester, name="rule_tester"),
    path("rules/<int:pk>/", rules.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/deactivate/", rules.rule_switch, {"on": False}, name="rule_deactivate"),
    path("rules/<int:pk>/activate/", rules.rule_switch, {"on": True}, name="rule_activate"),
    path("rules/<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    # --- crisis (governance.views.crisis) ---
    path("crisis/", crisis.crisis_home, name="crisis"),
    path("crisis/declare/", crisis.incident_declare, name="incident_declare"),
    path("crisis/declare/statement/", crisis.holding_statement_text, name="holding_statement_text"),
    path("crisis/incidents/<int:pk>/", crisis.incident_detail, name="incident_detail"),
    path("crisis/incidents/<int:pk>/updates/", crisis.incident_add_update, name="incident_add_update"),
    path("crisis/incidents/<int:pk>/resolve/", crisis.incident_resolve, name="incident_resolve"),
    path("crisis/incidents/<int:pk>/review/", crisis.incident_review, name="incident_review"),
    path("crisis/plans/new/", crisis.plan_edit, name="plan_create"),
    path("crisis/plans/<int:pk>/", crisis.plan_detail, name="plan_detail"),
    path("crisis/plans/<int:pk>/edit/", crisis.plan_edit, name="plan_edit"),
    # --- audit trail (governance.views.audit) ---
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
