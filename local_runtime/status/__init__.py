"""What the running runtime and the emulator report: the `status` command's table, the
failure queues and what the emulator holds. Imports only from event_sources."""
