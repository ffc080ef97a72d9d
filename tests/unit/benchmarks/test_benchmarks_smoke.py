"""The throughput benchmark compares implementations that store the same records.

A ratio against the naive baseline only means something if that baseline is correct,
so this checks, on a small batch, that project and naive archive the same valid events
(same event_id and lineage) and quarantine the same poison, and that the fair floor
archives or quarantines every user record. No timing is asserted: figures come from `make bench`.
"""

from __future__ import annotations

import gzip
import json

import pytest

from benchmarks import throughput
from benchmarks.kinesis_events import SampleEvent, kpl_event, largest_fitting, plain_event
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


@pytest.mark.parametrize("run_floor", [throughput.run_floor, throughput.run_zlib6_floor])
def test_floor_archives_what_it_cannot_tell_from_valid_and_quarantines_the_rest(
    sample: SampleEvent, run_floor: throughput.Implementation
) -> None:
    """The floor parses no JSON: it archives every valid event plus the poison that is
    valid UTF-8 within the size limit, each line carrying its lineage, and quarantines
    the oversized and non-UTF-8 poison."""
    floor = run_floor(sample.event, throughput.SETTINGS)
    [archive] = [stored for key, stored in floor.objects.items() if key.endswith(".gz")]
    lines = gzip.decompress(archive.body).splitlines()
    floor_quarantined = len(floor.objects) - 1
    # Of the poison kinds, only the oversized and the invalid UTF-8 are caught.
    assert floor_quarantined == 2 * sample.poison_records // len(PoisonKind)
    assert len(lines) == sample.user_records - floor_quarantined
    positions = set()
    for line in lines:
        # Every line ends with its spliced lineage: find it without parsing the rest.
        _document, _, lineage = line.rpartition(b',"_kinesis":')
        parsed = json.loads(lineage[:-1])
        positions.add((parsed["sequence_number"], parsed["sub_sequence_number"]))
    assert len(positions) == len(lines)


def test_largest_fitting_batch_fits_the_invoke_payload() -> None:
    # A third of the invoke payload: the oversized poison (400 kB of base64 each) makes
    # the size jump, so a much smaller limit would say little.
    limit = 2_000_000
    sample = largest_fitting(plain_event, 3_000, limit=limit)
    assert 0.75 * limit < sample.event_bytes <= limit


def test_disagreement_is_reported(sample: SampleEvent, monkeypatch: pytest.MonkeyPatch) -> None:
    run_naive = throughput.run_naive

    def drop_last_record(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
        return run_naive({"Records": event["Records"][:-1]}, settings)

    monkeypatch.setattr(throughput, "run_naive", drop_last_record)
    with pytest.raises(throughput.ImplementationsDisagreeError):
        throughput.check_agreement(sample)
