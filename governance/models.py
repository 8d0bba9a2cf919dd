"""Models of the governance app (see DESIGN.md; they arrive with the governance issue)."""
