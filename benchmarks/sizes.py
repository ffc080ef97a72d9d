"""Zip sizes of every built artifact (dist/manifest.json), against the function's own code.

For each zip: its size, its uncompressed size, the uncompressed bytes of the function's
own package (`<function>/...` entries) and the share of those in the whole, i.e. how
much of what a cold start has to fetch and unpack is the function rather than its
dependencies. The largest top-level entries are listed in the JSON report.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from pathlib import Path

from benchmarks import REPO_ROOT
from benchmarks.report import Section, fmt_ratio
from benchmarks.timing import ratio

DIST = REPO_ROOT / "dist"
TOP_ENTRIES = 8


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def run(dist: Path = DIST) -> Section:
    section = Section(
        name="sizes",
        title="Artifact sizes (dist/manifest.json)",
        label_columns=2,
        headers=[
            "artifact",
            "target",
            "zip kB",
            "unzipped kB",
            "zip/unzipped",
            "own code kB",
            "own/unzipped",
            "zip x own code",
        ],
    )
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    for relative, entry in sorted(manifest["artifacts"].items()):
        artifact = dist / relative
        body = artifact.read_bytes()
        sha_matches = hashlib.sha256(body).hexdigest() == entry["sha256"]
        by_top_level: Counter[str] = Counter()
        with zipfile.ZipFile(artifact) as archive:
            for info in archive.infolist():
                by_top_level[info.filename.split("/", 1)[0]] += info.file_size
        unzipped = sum(by_top_level.values())
        own_code = by_top_level[entry["function"]]
        compression = ratio(len(body), unzipped)
        own_share = ratio(own_code, unzipped)
        zip_vs_own = ratio(len(body), own_code)
        section.rows.append(
            [
                relative,
                entry["target"]["label"],
                f"{len(body) / 1000:,.1f}",
                f"{unzipped / 1000:,.1f}",
                _percent(compression),
                f"{own_code / 1000:,.1f}",
                _percent(own_share),
                fmt_ratio(zip_vs_own),
            ]
        )
        section.data[relative] = {
            "function": entry["function"],
            "target": entry["target"],
            "zip_bytes": len(body),
            "manifest_size_matches": len(body) == entry["size"],
            "manifest_sha256_matches": sha_matches,
            "unzipped_bytes": unzipped,
            "own_code_bytes": own_code,
            "zip_vs_unzipped": compression,
            "own_code_share_of_unzipped": own_share,
            "zip_vs_own_code": zip_vs_own,
            "largest_entries_unzipped_bytes": dict(by_top_level.most_common(TOP_ENTRIES)),
        }
        if not sha_matches or len(body) != entry["size"]:
            section.notes.append(f"{relative}: differs from dist/manifest.json (stale build?)")
    section.notes.append(
        "own code: uncompressed bytes of the function's package; the rest is dependencies"
        " (largest ones per artifact in the JSON report)."
    )
    return section
