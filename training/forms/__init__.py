"""Training's forms, one module per area."""
