"""HTML forms: they parse and validate input, then hand typed values to services."""
