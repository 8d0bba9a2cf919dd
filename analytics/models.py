"""Models of the analytics app (see DESIGN.md; they arrive with the analytics issue)."""
