"""Pages of the publishing app, one module per area: posts (compose, detail, actions), the
review queue, the calendar (and its feed, export and import), channels, policies, campaigns and
content themes, outside review."""
