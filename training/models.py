"""Models of the training app (see DESIGN.md; they arrive with the training issue)."""
