"""An in-memory ObjectStore, and readers that say which records a run stored where.

Every implementation the throughput benchmark compares writes into this store, so the
benchmark (and the smoke test) can check that they archived and quarantined the same
records before any ratio between them is reported.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field

# (event_id, sequence_number, sub_sequence_number) of one archived event.
ArchivedIdentity = tuple[str, str, int | None]
# (sequence_number, sub_sequence_number) of one quarantined (sub-)record.
QuarantinedIdentity = tuple[str, int | None]
# The processor's NDJSON archive, and the naive baseline's one event per object.
ARCHIVE_TYPES = ("application/x-ndjson", "application/json")


@dataclass(frozen=True, slots=True)
class StoredObject:
    body: bytes
    content_type: str
    content_encoding: str | None


@dataclass
class InMemoryStore:
    """ObjectStore (see stream_processor.batch) that keeps every object in a dict."""

    objects: dict[str, StoredObject] = field(default_factory=dict)

    def put(
        self, key: str, body: bytes, content_type: str, content_encoding: str | None = None
    ) -> None:
        self.objects[key] = StoredObject(body, content_type, content_encoding)


def archived_identities(store: InMemoryStore) -> list[ArchivedIdentity]:
    """Every archived event, from gzip NDJSON objects (one line or many), with its lineage."""
    identities: list[ArchivedIdentity] = []
    for stored in store.objects.values():
        if stored.content_encoding != "gzip" or stored.content_type not in ARCHIVE_TYPES:
            continue
        for line in gzip.decompress(stored.body).splitlines():
            event = json.loads(line)
            lineage = event["_kinesis"]
            identities.append(
                (event["event_id"], lineage["sequence_number"], lineage["sub_sequence_number"])
            )
    return identities


def quarantined_identities(store: InMemoryStore) -> list[QuarantinedIdentity]:
    """Every quarantine document (plain JSON with a `kinesis` lineage object)."""
    identities: list[QuarantinedIdentity] = []
    for stored in store.objects.values():
        if stored.content_encoding is None and stored.content_type == "application/json":
            lineage = json.loads(stored.body)["kinesis"]
            identities.append((lineage["sequence_number"], lineage["sub_sequence_number"]))
    return identities
