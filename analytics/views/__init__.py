"""Analytics' pages, one module per area: dashboard, ROI, investment, KPIs, listening, imports."""
