"""HTML views, one module per area. Thin: parse input, call a service or selector, render."""
