"""The exchange hub's wire protocol (signed headers, HMAC-SHA256, hash-file) and its client: one implementation for
the hub and every deployment (docs/standards/hub-api.md)."""
