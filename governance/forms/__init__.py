"""Forms of the governance pages, one module per area. They parse and validate input; services
decide."""
