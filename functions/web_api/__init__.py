"""The web-app REST API Lambda: items, subscriptions, presigned uploads and thumbnails.

The handler lives in ``web_api.handler``; ``web_api.api`` holds the routes, which read
nothing from the environment, so ``python -m web_api.openapi`` can print the document.
"""
