"""Outgoing documents (văn bản đi): drafting, review, numbering and the outgoing register (docs/domain/outgoing.md)."""
