"""What Terraform deployed: Lambda functions read back from the emulator, and the
built artifact each one runs.

A function is matched to a zip by the CodeSha256 the emulator reports, so the local
runtime executes exactly the bytes Terraform uploaded, never "whatever is in dist/".
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ArtifactNotFoundError(LookupError):
    """A deployed function's code matches none of the built artifacts."""


@dataclass(frozen=True)
class DeployedFunction:
    name: str
    arn: str
    handler: str
    runtime: str
    timeout_seconds: int
    memory_mb: int
    environment: dict[str, str]
    code_sha256: str
    log_group_name: str

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> DeployedFunction:
        """Build from a Lambda GetFunctionConfiguration / ListFunctions item."""
        logging_config = configuration.get("LoggingConfig") or {}
        name = configuration["FunctionName"]
        return cls(
            name=name,
            arn=configuration["FunctionArn"],
            handler=configuration["Handler"],
            runtime=configuration.get("Runtime", ""),
            timeout_seconds=int(configuration.get("Timeout", 3)),
            memory_mb=int(configuration.get("MemorySize", 128)),
            environment=dict((configuration.get("Environment") or {}).get("Variables") or {}),
            code_sha256=configuration["CodeSha256"],
            log_group_name=logging_config.get("LogGroup") or f"/aws/lambda/{name}",
        )


def code_sha256(path: Path) -> str:
    """The base64 SHA-256 Lambda reports as CodeSha256 (Terraform's filebase64sha256)."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode("ascii")


class ArtifactStore:
    """Built zips indexed by CodeSha256, unpacked once into a cache directory."""

    def __init__(self, artifacts_dir: Path, unpack_dir: Path) -> None:
        self._artifacts_dir = artifacts_dir
        self._unpack_dir = unpack_dir
        self._by_sha: dict[str, Path] = {}

    def _reindex(self) -> None:
        self._by_sha = {code_sha256(z): z for z in sorted(self._artifacts_dir.glob("*.zip"))}

    def code_dir(self, function: DeployedFunction) -> Path:
        """The unpacked artifact of `function`; raises ArtifactNotFoundError if not built."""
        if function.code_sha256 not in self._by_sha:
            self._reindex()  # a rebuild since the last look
        artifact = self._by_sha.get(function.code_sha256)
        if artifact is None:
            raise ArtifactNotFoundError(
                f"{function.name}: deployed code (CodeSha256 {function.code_sha256}) matches "
                f"no zip in {self._artifacts_dir}; run `make build` and apply again"
            )
        target = self._unpack_dir / hashlib.sha256(function.code_sha256.encode()).hexdigest()[:16]
        if not target.is_dir():
            # The cache may be shared by several runtimes (make up and the tests): each
            # unpacks into its own directory, and the first rename wins.
            partial = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}")
            shutil.rmtree(partial, ignore_errors=True)
            with zipfile.ZipFile(artifact) as archive:
                archive.extractall(partial)  # our own build output, hash-matched
            try:
                partial.rename(target)
            except OSError:
                if not target.is_dir():
                    raise
                shutil.rmtree(partial)  # another runtime unpacked the same bytes first
        return target
