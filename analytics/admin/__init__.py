"""Admin of the analytics app, one module per area; every model registered with search and filters."""

from analytics.admin import investment, kpis, listening, metrics  # noqa: F401 - each module registers its models
