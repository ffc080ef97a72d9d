"""Function workers: the deployed functions, the processes that run their artifacts, and
what each invocation counts. Imports nothing else from local_runtime."""
