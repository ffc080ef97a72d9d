"""Read what the stream processor wrote (archived and quarantined records), and redrive
the failed ranges the failure recorder kept."""

from clients.archive.reader import (
    ArchiveSummary,
    iter_archived,
    iter_quarantined,
    object_keys,
    summarize,
)
from clients.archive.redrive import RedriveReport, redrive

__all__ = [
    "ArchiveSummary",
    "RedriveReport",
    "iter_archived",
    "iter_quarantined",
    "object_keys",
    "redrive",
    "summarize",
]
