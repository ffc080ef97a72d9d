"""Event sources, polled as Lambda polls them: Kinesis and DynamoDB streams (event source
mappings with checkpoints, filters, partial batch responses, on-failure destinations), SQS
queues, S3 notifications and asynchronous invocations. Imports only from workers."""
