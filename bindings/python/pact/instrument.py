"""The instrument: dimensions, items, response scales and cut-offs (immutable)."""

from __future__ import annotations

import json
import os
from typing import Optional

import pandas as pd

from . import _pact


class Instrument:
    """A loaded, validated instrument.

    Instruments are immutable; they compare equal when their content hashes are equal, and
    pickle by their canonical JSON (so they travel to Dask workers and subprocesses).

    >>> inst = Instrument.default()
    >>> len(inst.dimension_ids)
    9
    >>> inst.items("en").loc["emp_job_search", "type"]
    'yes_no'
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_pact.Instrument"):
        if not isinstance(native, _pact.Instrument):
            raise TypeError("use Instrument.default(), Instrument.load(path) or Instrument.from_json(text)")
        self._native = native

    @classmethod
    def default(cls) -> "Instrument":
        """The default instrument shipped with pact (``models/pact-instrument.json``)."""
        return cls(_pact.Instrument.bundled())

    @classmethod
    def load(cls, path: "str | os.PathLike[str]") -> "Instrument":
        """Reads and validates an instrument file; errors name the JSON Pointer of the bad value."""
        return cls(_pact.Instrument.load(os.fspath(path)))

    @classmethod
    def from_json(cls, text: str) -> "Instrument":
        """Parses and validates instrument JSON text."""
        return cls(_pact.Instrument.parse(text))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def version(self) -> str:
        return self._native.version

    @property
    def hash(self) -> str:
        """``sha256:`` and the hex SHA-256 of the canonical JSON."""
        return self._native.hash

    @property
    def languages(self) -> list:
        return list(self._native.languages)

    @property
    def default_language(self) -> str:
        return self._native.default_language

    @property
    def item_ids(self) -> list:
        """Item ids in instrument order (the column order of response matrices)."""
        return list(self._native.item_ids)

    @property
    def dimension_ids(self) -> list:
        return list(self._native.dimension_ids)

    @property
    def level_ids(self) -> list:
        return list(self._native.level_ids)

    def name(self, lang: Optional[str] = None) -> str:
        return self._native.name(lang or self.default_language)

    def items(self, lang: Optional[str] = None) -> pd.DataFrame:
        """One row per item (indexed by id): dimension, label, question, type, weight, ..."""
        return pd.DataFrame(self._native.item_table(lang or self.default_language)).set_index("id")

    def dimensions(self, lang: Optional[str] = None) -> pd.DataFrame:
        """One row per dimension (indexed by id): label, weights, coverage and cut-offs, items."""
        return pd.DataFrame(self._native.dimension_table(lang or self.default_language)).set_index("id")

    def levels(self, lang: Optional[str] = None) -> pd.DataFrame:
        """The severity levels of the composite, in increasing order."""
        return pd.DataFrame(self._native.level_table(lang or self.default_language)).set_index("id")

    def to_json(self, indent: Optional[int] = None) -> str:
        """The instrument as JSON: the canonical text (sorted keys, no insignificant whitespace,
        the text its content hash is computed on), or indented for reading with `indent`."""
        if indent is None:
            return self._native.canonical_json
        return json.dumps(json.loads(self._native.canonical_json), indent=indent, ensure_ascii=False) + "\n"

    def save(self, path: "str | os.PathLike[str]", indent: Optional[int] = 2) -> None:
        """Writes the instrument as JSON (UTF-8, indented by default) that :meth:`load` reads back."""
        with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as out:
            out.write(self.to_json(indent))

    def to_bundle(self, path: "str | os.PathLike[str]") -> None:
        """Writes a compiled bundle of the instrument (see :meth:`pact.RiskModel.to_bundle`)."""
        self._native.write_bundle(os.fspath(path))

    @classmethod
    def load_bundle(cls, path: "str | os.PathLike[str]") -> "Instrument":
        """Reads the instrument of a compiled bundle (an instrument bundle, or a model bundle's
        instrument)."""
        return cls(_pact.Instrument.read_bundle(os.fspath(path)))

    def __reduce__(self):
        return (Instrument.from_json, (self.to_json(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instrument) and other.hash == self.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"<pact.Instrument {self.id} {self.version} {self.hash[:15]}…>"
