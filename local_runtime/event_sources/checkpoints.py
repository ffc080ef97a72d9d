"""Per-shard checkpoints of each event source mapping, persisted across restarts."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


class CheckpointStore:
    """The last sequence number each (mapping, shard) has finished, kept in a JSON file.

    Written atomically (temp file + rename) on every change so a killed runtime
    resumes after the last finished record, re-delivering at most one batch.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._positions: dict[str, dict[str, str]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )

    def get(self, mapping_uuid: str, shard_id: str) -> str | None:
        with self._lock:
            return self._positions.get(mapping_uuid, {}).get(shard_id)

    def put(self, mapping_uuid: str, shard_id: str, sequence_number: str) -> None:
        with self._lock:
            self._positions.setdefault(mapping_uuid, {})[shard_id] = sequence_number
            partial = self._path.with_suffix(".partial")
            partial.write_text(json.dumps(self._positions, sort_keys=True), encoding="utf-8")
            os.replace(partial, self._path)
