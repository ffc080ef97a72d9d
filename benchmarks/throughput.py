"""Stream processor throughput on the largest batches Lambda delivers (6 MB invoke
payload): project vs naive per-record vs the fair floor (and the floor with zlib-6).

Pure CPU: every implementation writes into the same in-memory store, so the figures
leave out S3 request time, which favours the naive baseline (it makes one PUT per
record, the processor one per batch plus one per poison record); the "objects" column
shows that difference as a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from benchmarks.baselines import fair_floor, naive_process, zlib6_floor
from benchmarks.kinesis_events import (
    INVOKE_PAYLOAD_BYTES,
    SampleEvent,
    kpl_event,
    largest_fitting,
    plain_event,
)
from benchmarks.memory_store import InMemoryStore, archived_identities, quarantined_identities
from benchmarks.report import Section, fmt_ratio
from benchmarks.timing import collect_interleaved, cpu_timed, ratio
from stream_processor.batch import process_batch
from stream_processor.config import Settings
from stream_processor.kinesis_event import KinesisStreamEvent, records_from_event

SETTINGS = Settings(archive_bucket="bench-archive")
BATCH_RECORDS = 10_000

Implementation = Callable[[KinesisStreamEvent, Settings], InMemoryStore]


def run_project(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
    """The handler's path minus Powertools and S3: records_from_event + process_batch."""
    store = InMemoryStore()
    process_batch(records_from_event(event), settings, store)
    return store


def run_naive(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
    store = InMemoryStore()
    naive_process(event, settings, store)
    return store


def run_floor(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
    store = InMemoryStore()
    fair_floor(event, settings, store)
    return store


def run_zlib6_floor(event: KinesisStreamEvent, settings: Settings) -> InMemoryStore:
    store = InMemoryStore()
    zlib6_floor(event, settings, store)
    return store


IMPLEMENTATIONS: dict[str, Implementation] = {
    "project": run_project,
    "naive": run_naive,
    "floor": run_floor,
    "zlib6 floor": run_zlib6_floor,
}


class ImplementationsDisagreeError(AssertionError):
    """Project and naive baseline stored different records: a ratio would be meaningless."""


@dataclass(frozen=True)
class Agreement:
    archived: int
    quarantined: int


def check_agreement(sample: SampleEvent, settings: Settings = SETTINGS) -> Agreement:
    """Run project and naive once; both must archive and quarantine exactly the same
    (sub-)records, and account for every user record of the sample."""
    project, naive = run_project(sample.event, settings), run_naive(sample.event, settings)
    outputs = {
        name: (Counter(archived_identities(store)), Counter(quarantined_identities(store)))
        for name, store in (("project", project), ("naive", naive))
    }
    if outputs["project"] != outputs["naive"]:
        (p_archived, p_quarantined), (n_archived, n_quarantined) = outputs.values()
        archived_diff = (p_archived - n_archived) + (n_archived - p_archived)
        quarantined_diff = (p_quarantined - n_quarantined) + (n_quarantined - p_quarantined)
        raise ImplementationsDisagreeError(
            f"archived differ on {sorted(archived_diff)[:5]}, "
            f"quarantined differ on {sorted(quarantined_diff)[:5]}"
        )
    archived, quarantined = (sum(counter.values()) for counter in outputs["project"])
    if quarantined != sample.poison_records or archived + quarantined != sample.user_records:
        raise ImplementationsDisagreeError(
            f"{archived} archived + {quarantined} quarantined for {sample.user_records} user "
            f"records of which {sample.poison_records} poison"
        )
    return Agreement(archived, quarantined)


def _scenario(name: str, sample: SampleEvent, repeat: int, section: Section) -> None:
    agreement = check_agreement(sample)
    timings = collect_interleaved(
        {
            implementation: cpu_timed(partial(run, sample.event, SETTINGS))
            for implementation, run in IMPLEMENTATIONS.items()
        },
        repeat=repeat,
    )
    objects = {
        implementation: len(run(sample.event, SETTINGS).objects)
        for implementation, run in IMPLEMENTATIONS.items()
    }
    per_second = {key: sample.user_records / timing.median for key, timing in timings.items()}
    results: dict[str, object] = {}
    for implementation, timing in timings.items():
        versus_naive = ratio(per_second[implementation], per_second["naive"])
        # Time, not throughput: the goal is stated as a multiple of the floor's time.
        time_versus_floor = ratio(timing.median, timings["floor"].median)
        section.rows.append(
            [
                f"{name} / {implementation}",
                f"{timing.median * 1000:.1f}",
                f"{timing.min * 1000:.1f}",
                f"{per_second[implementation]:,.0f}",
                fmt_ratio(versus_naive),
                fmt_ratio(time_versus_floor),
                f"{objects[implementation]:,}",
            ]
        )
        results[implementation] = {
            "seconds": timing.as_dict(),
            "records_per_second": per_second[implementation],
            "throughput_vs_naive": versus_naive,
            "time_vs_floor": time_versus_floor,
            "objects_written": objects[implementation],
        }
    section.data[name] = {
        "user_records": sample.user_records,
        "kinesis_records": sample.kinesis_records,
        "event_bytes": sample.event_bytes,
        "poison_records": sample.poison_records,
        "archived": agreement.archived,
        "quarantined": agreement.quarantined,
        "implementations": results,
        "project_vs_naive": ratio(per_second["project"], per_second["naive"]),
        "project_time_vs_floor": ratio(timings["project"].median, timings["floor"].median),
        "floor_vs_naive": ratio(per_second["floor"], per_second["naive"]),
    }


def run(repeat: int, records: int = BATCH_RECORDS) -> Section:
    scenarios = {
        "plain": largest_fitting(plain_event, records),
        "kpl": largest_fitting(kpl_event, records),
    }
    section = Section(
        name="throughput",
        title=(
            "Stream processor throughput (largest batch within the"
            f" {INVOKE_PAYLOAD_BYTES // 2**20} MB invoke payload, at most {records:,}"
            " user records, 1% poison)"
        ),
        headers=[
            "scenario / implementation",
            "median CPU ms",
            "min CPU ms",
            "records/s",
            "x naive",
            "time x floor",
            "objects",
        ],
    )
    for name, sample in scenarios.items():
        _scenario(name, sample, repeat, section)
    plain, kpl = scenarios["plain"], scenarios["kpl"]
    section.notes += [
        f"plain: {plain.user_records:,} Kinesis records ({plain.event_bytes:,} bytes of"
        f" event); kpl: {kpl.user_records:,} user records packed into"
        f" {kpl.kinesis_records} Kinesis records (KPL format, ~50 kB aggregates,"
        f" 8 partition keys; {kpl.event_bytes:,} bytes of event).",
        "CPU ms: CPU time of the benchmark process (time.process_time), which leaves out"
        " the time other processes hold the cores; records/s are per CPU second.",
        "x naive: records/s of the row over the naive baseline's (higher is faster);"
        " time x floor: the row's median time over the fair floor's (lower is faster).",
        "naive: per record decode, json, schema, json.dumps, gzip, one object each."
        " floor: the least a correct implementation must do (decode, de-aggregate, size"
        " and UTF-8 check, splice the lineage, one object with the project's compressor"
        " and level); it parses no JSON, so it bounds every ratio to naive: x naive can"
        " be at most the floor's. zlib6 floor: the floor with gzip level 6 (stdlib).",
        "objects: objects put per batch (S3 PUT requests in production); the in-memory"
        " store makes them free here, which favours the naive baseline.",
    ]
    return section
