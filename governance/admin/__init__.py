"""Admin of the governance app, one module per area; every model registered with search and
filters. The audit trail is read-only here as everywhere."""

from governance.admin import audit, crisis, policies, rules  # noqa: F401 - each module registers its models
