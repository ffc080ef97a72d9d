"""The one local HTTP port: API Gateway REST APIs with Cognito authorizers, the static
site and the console page. Imports from emulator, workers and status."""
