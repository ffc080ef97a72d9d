"""DynamoDB stream -> SES Lambda: one welcome email per new subscriber.

The handler lives in ``welcome_email.handler``; ``subscriber`` (parsing, validation,
masking) and ``message`` (rendering) are pure and know nothing of Lambda or SES.
"""
