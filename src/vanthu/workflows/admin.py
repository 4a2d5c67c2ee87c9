"""Directions, assignments and processing notes are deliberately not in the Django admin.

They carry document content (a leader's minute, a specialist's notes), and a system administrator sees no document
content by default (docs/domain/roles.md). Changes to them go only through the workflow transition services.
"""
