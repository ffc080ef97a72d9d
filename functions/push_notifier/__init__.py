"""SQS -> SNS mobile push Lambda: one queued message, a push to each of the user's devices.

The handler lives in ``push_notifier.handler``; ``message`` (parsing, payloads) is pure,
``delivery`` publishes and cleans up endpoints the push services no longer accept.
"""
