"""Infrastructure the three processes share (pages, forms, static files)."""
