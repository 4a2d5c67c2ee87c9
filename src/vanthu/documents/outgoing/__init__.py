"""Outgoing documents (văn bản đi): drafting, review, numbering and the outgoing register (DOMAIN.md §4)."""
