"""Clients that users run against the deployed architectures (producer, mobile client)."""
