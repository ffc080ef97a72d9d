"""S3 key derivation. Keys depend only on record identity, so a retry overwrites."""

from __future__ import annotations

import time


def time_partition(epoch_seconds: float) -> str:
    """Hive-style UTC hour partition, e.g. ``year=2024/month=03/day=07/hour=09``."""
    moment = time.gmtime(epoch_seconds)
    return (
        f"year={moment.tm_year:04d}/month={moment.tm_mon:02d}"
        f"/day={moment.tm_mday:02d}/hour={moment.tm_hour:02d}"
    )


def archive_key(
    prefix: str, shard_id: str, first_sequence_number: str, first_arrival_timestamp: float
) -> str:
    """Key of a batch's archive object, named after its first archived record.

    A retried batch starts at the same record and so overwrites; a bisected half or a
    batch resumed after a partial failure starts at a different record and gets its own
    object, which holds no line of the earlier one.
    """
    return (
        f"{prefix}{time_partition(first_arrival_timestamp)}/"
        f"{shard_id}-{first_sequence_number}.ndjson.gz"
    )


def quarantine_key(
    prefix: str,
    shard_id: str,
    sequence_number: str,
    sub_sequence_number: int | None,
    arrival_timestamp: float,
) -> str:
    """Key of one quarantined (sub-)record: ``.../{shard}/{sequence}[-{sub}].json``."""
    name = (
        sequence_number
        if sub_sequence_number is None
        else f"{sequence_number}-{sub_sequence_number}"
    )
    return f"{prefix}{time_partition(arrival_timestamp)}/{shard_id}/{name}.json"
