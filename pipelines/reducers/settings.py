"""A method's settings schema: what each setting is, its range and default, and how text becomes a value.

The sidebar renders these, the command line parses `--param METHOD.NAME=VALUE` with them, and the run store
keys runs by the values they produce, so a setting is described once, here, for every front end.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipelines.errors import InputError

SettingKind = Literal["int", "float", "choice", "layers"]


@dataclass(frozen=True)
class Setting:
    """One training setting of a method: an estimator parameter with a type, a range, a default and help."""

    name: str  # the estimator's parameter name
    label: str
    kind: SettingKind
    default: object
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    automatic: str | None = None  # when set, None is allowed and means this, e.g. "1 / number of features"
    min_layers: int = 0  # for "layers": the fewest layers allowed

    def parse(self, value: object) -> object:
        """`value` (a widget's value, or text from the command line or a URL) as this setting's type."""
        if self.automatic is not None and (value is None or str(value).strip().lower() in ("", "auto")):
            return None
        if self.kind == "layers":
            return self._layers(value)
        if self.kind == "choice":
            if str(value) not in self.choices:
                raise InputError(f"{self.label} must be one of {', '.join(self.choices)}, not {value!r}.")
            return str(value)
        number = self._number(value)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise InputError(f"{self.label} must be between {self.low:g} and {self.high:g}, not {number:g}.")
        return number

    def text(self, value: object) -> str:
        """`value` as the text `parse` reads back, e.g. for a URL or a text box."""
        if value is None:
            return "auto"
        if self.kind == "layers":
            return ", ".join(str(units) for units in value)
        return f"{value:g}" if self.kind == "float" else str(value)

    def _number(self, value: object) -> int | float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError(f"{self.label} must be a number, not {value!r}.") from None
        if self.kind == "float":
            return number
        if not number.is_integer():
            raise InputError(f"{self.label} must be a whole number, not {value!r}.")
        return int(number)

    def _layers(self, value: object) -> tuple[int, ...]:
        if isinstance(value, (tuple, list)):
            parts = [str(v) for v in value]
        else:
            text = str(value).strip()
            parts = [p.strip() for p in text.replace(";", ",").split(",")] if text else []
        none_allowed = " (or empty for none)" if not self.min_layers else ""
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            raise InputError(f"{self.label} must be positive whole numbers separated by commas, such as 128, 64"
                             f"{none_allowed}; not {value!r}.")
        if len(parts) < self.min_layers:
            raise InputError(f"{self.label} is empty: give at least one layer, such as {self.text(self.default)}.")
        return tuple(int(p) for p in parts)
