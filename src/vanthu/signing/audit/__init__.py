"""Signed, timestamped checkpoints of the audit log (ADR 0004, docs/subsystems/audit.md): made by the worker, kept
apart from the database, verified with the chains. The append-only chains themselves are ``core.audit``."""
