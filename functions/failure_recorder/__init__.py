"""Stream failure recorder: keeps the records of a Kinesis range Lambda gave up on.

A stream mapping's on-failure destination receives only a range's metadata; the records
stay in the stream until its retention ends. This function reads each range back while it
can and stores it, raw, under ``failed/`` of the archive bucket (``stream_processor``'s
README, "Failures and retries"; the redrive is ``python -m clients.archive redrive``).
The handler lives in ``failure_recorder.handler``; the rest is pure logic.
"""
