"""The throughput benchmark compares implementations that store the same records.

A ratio against the naive baseline only means something if that baseline is correct,
so this checks, on a small batch, that project and naive archive the same valid events
(same event_id and lineage) and quarantine the same poison, and that the raw floor
carries every payload. No timing is asserted: figures come from `make bench`.
"""

from __future__ import annotations

import base64
import gzip

import pytest

from benchmarks import throughput
from benchmarks.kinesis_events import SampleEvent, kpl_event, plain_event
from benchmarks.memory_store import InMemoryStore, archived_identities, quarantined_identities
from clients.producer import PoisonKind
from stream_processor.config import Settings
from stream_processor.kinesis_event import KinesisStreamEvent

# 700 records at 1% poison give 7 poison records: one of every PoisonKind.
RECORDS = 700


@pytest.fixture(scope="module", params=["plain", "kpl"])
def sample(request: pytest.FixtureRequest) -> SampleEvent:
    build = plain_event if request.param == "plain" else kpl_event
    return build(RECORDS, seed=3)


def test_every_poison_kind_is_in_the_sample(sample: SampleEvent) -> None:
    assert sample.poison_records == len(PoisonKind)


def test_project_and_naive_store_the_same_records(sample: SampleEvent) -> None:
    agreement = throughput.check_agreement(sample)
    assert agreement.quarantined == sample.poison_records
    assert agreement.archived == sample.user_records - sample.poison_records


def test_archived_events_are_the_valid_ones_and_poison_is_quarantined(
    sample: SampleEvent,
) -> None:
    project = throughput.run_project(sample.event, throughput.SETTINGS)
    naive = throughput.run_naive(sample.event, throughput.SETTINGS)
    project_ids = sorted(event_id for event_id, _, _ in archived_identities(project))
    naive_ids = sorted(event_id for event_id, _, _ in archived_identities(naive))
    assert project_ids == naive_ids
    assert len(set(project_ids)) == len(project_ids)
    assert sorted(quarantined_identities(project)) == sorted(quarantined_identities(naive))


def test_naive_writes_one_object_per_record_project_one_archive(sample: SampleEvent) -> None:
    project = throughput.run_project(sample.event, throughput.SETTINGS)
    naive = throughput.run_naive(sample.event, throughput.SETTINGS)
    assert len(naive.objects) == sample.user_records
    assert len(project.objects) == 1 + sample.poison_records


def test_floor_compresses_every_payload(sample: SampleEvent) -> None:
    store = throughput.run_floor(sample.event, throughput.SETTINGS)
    (stored,) = store.objects.values()
    payloads = [base64.b64decode(r["kinesis"]["data"]) for r in sample.event["Records"]]
    assert gzip.decompress(stored.body) == b"\n".join(payloads)


def test_disagreement_is_reported(sample: SampleEvent, monkeypatch: pytest.MonkeyPatch) -> None:
    run_naive = throughput.run_naive

    def drop_last_record(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
        return run_naive({"Records": event["Records"][:-1]}, settings)

    monkeypatch.setattr(throughput, "run_naive", drop_last_record)
    with pytest.raises(throughput.ImplementationsDisagreeError):
        throughput.check_agreement(sample)
