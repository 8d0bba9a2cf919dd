"""Every write of analytics, one module per area: ingestion (snapshots from the API, CSV and the
adapters), rollups (set-based SQL), KPIs, investment, listening, reports."""
