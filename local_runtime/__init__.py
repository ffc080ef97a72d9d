"""Runs this project's Lambda artifacts against the local AWS emulator (see DESIGN.md).

Its parts, each importing only from those listed before it:

    emulator/       start and stop the moto server (and the server process itself)
    workers/        deployed functions and the worker processes that run their artifacts
    event_sources/  streams, queues, S3 notifications, async invocations -> workers
    status/         the status table, failure queues, what the emulator holds
    gateway/        REST APIs, Cognito authorizer, static site, console page
    runtime.py      LocalRuntime: wires every part to what Terraform deployed

and the entry points on top: __main__.py (`python -m local_runtime serve|status`),
stack.py and demo.py (`make up/down`), hot_reload.py (`make watch`).
tests/local_runtime/test_layout.py checks the direction.
"""
