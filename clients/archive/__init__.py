"""Read what the stream processor wrote: archived records and quarantined ones."""

from clients.archive.reader import ArchiveSummary, iter_archived, iter_quarantined, summarize

__all__ = ["ArchiveSummary", "iter_archived", "iter_quarantined", "summarize"]
