"""Analytics' forms, one module per area."""
