"""Runs this project's Lambda artifacts against the local AWS emulator (see DESIGN.md)."""
