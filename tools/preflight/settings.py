"""What an environment root asks for, read from its Terraform files without Terraform.

`terraform console` cannot answer before the state backend exists (it asks for
`init` with the backend, which a brand-new account does not have yet), so the
preflight parses the root itself: variable defaults from its `*.tf` files (as
Terraform, it reads every one: some are links shared by several roots), then
`terraform.tfvars`, then `TF_VAR_*` from the environment, the order Terraform applies
them. Arguments the root does not pass to a composite module keep that module's
default, which is read from the module's own `variables.tf`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

_PARSE_OPTIONS = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)


class SettingsError(ValueError):
    """The environment root cannot be read."""


def _parse(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return dict(hcl2.load(handle, serialization_options=_PARSE_OPTIONS))


def _interpolation(value: Any) -> str | None:
    """The expression inside "${...}", or None for a literal."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1].strip()
    return None


def _literal(value: Any) -> Any:
    """HCL's null arrives as the string "null" in nested values; expressions stay as is."""
    expression = _interpolation(value)
    if expression == "null":
        return None
    return value


def _variable_blocks(path: Path) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = {}
    for entry in _parse(path).get("variable", []):
        for name, body in entry.items():
            blocks[name] = body
    return blocks


def _from_environment(raw: str, declared_type: str | None) -> Any:
    """TF_VAR_* values: strings as given, anything else as JSON (Terraform reads HCL)."""
    if declared_type in (None, "string", "${string}"):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


@dataclass(frozen=True)
class Root:
    """An environment root: its resolved variables and its module calls."""

    directory: Path
    variables: Mapping[str, Any]
    declared: frozenset[str]
    modules: Mapping[str, Mapping[str, Any]]

    def value(self, name: str, default: Any = None) -> Any:
        return self.variables.get(name, default)

    def is_set(self, name: str) -> bool:
        """Whether a value exists for the variable (defaults count, null included)."""
        return name in self.variables

    def module_argument(self, module: str, argument: str) -> Any:
        """What the root passes to a module argument, or the module's default.

        A plain `var.NAME` reference is resolved; any other expression is returned
        as its text (the caller decides), a missing argument takes the module default.
        """
        call = self.modules.get(module)
        if call is None:
            raise SettingsError(f"{self.directory} calls no module {module!r}")
        if argument in call:
            value = call[argument]
            expression = _interpolation(value)
            if expression is not None and expression.startswith("var."):
                return self.value(expression.removeprefix("var."))
            return _literal(value)
        source = self.directory / str(call["source"])
        default = _variable_blocks(source / "variables.tf").get(argument, {}).get("default")
        return _literal(default)


def read_root(directory: Path, environ: Mapping[str, str] | None = None) -> Root:
    """Resolve an environment root's variables as Terraform would for a plan."""
    environ = os.environ if environ is None else environ
    variables_tf = directory / "variables.tf"
    if not variables_tf.exists():
        raise SettingsError(f"{directory} is not an environment root (no variables.tf)")
    declared: dict[str, dict[str, Any]] = {}
    for tf_file in sorted(directory.glob("*.tf")):
        declared.update(_variable_blocks(tf_file))
    values: dict[str, Any] = {
        name: _literal(body["default"]) for name, body in declared.items() if "default" in body
    }
    tfvars = directory / "terraform.tfvars"
    if tfvars.exists():
        values.update({k: _literal(v) for k, v in _parse(tfvars).items() if k in declared})
    for name, body in declared.items():
        raw = environ.get(f"TF_VAR_{name}")
        if raw is not None:
            values[name] = _from_environment(raw, body.get("type"))
    modules: dict[str, dict[str, Any]] = {}
    for entry in _parse(directory / "main.tf").get("module", []):
        modules.update(entry)
    return Root(
        directory=directory,
        variables=values,
        declared=frozenset(declared),
        modules=modules,
    )
