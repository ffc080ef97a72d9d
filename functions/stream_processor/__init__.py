"""Kinesis -> S3 archive Lambda: decode, validate, archive as gzip NDJSON, quarantine the rest.

The handler lives in ``stream_processor.handler``; everything else is pure logic that
knows nothing of Lambda, so the benchmark and the tests can drive it directly.
"""
