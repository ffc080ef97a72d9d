"""The mobile-backend REST API Lambda: notes, sharing (with a push), device registration.

The handler lives in ``mobile_api.handler``; ``mobile_api.api`` holds the routes, which
read nothing from the environment. Every DynamoDB call goes through one low-level client
object: boto3's DynamoDB client, or the DAX client when ``DAX_ENDPOINT`` is set.
"""
