"""The append-only security audit log (see docs/security.md)."""
