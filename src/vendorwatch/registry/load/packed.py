"""A table of the registry kept as each entry's pickled bytes until that entry is read.

The cached registry (`vendorwatch.registry.cache`) holds 2,223 organisations; a command reads
a family's dozen. Unpickling every one was most of loading the cache (~50 ms of a ~60 ms
load), so the pickle stores each entry on its own and an entry is unpickled when first read,
then kept: the same object every time (`Registry.cited` knows nested facts by identity).
"""

from __future__ import annotations

import pickle
from collections.abc import ItemsView, Iterator, Mapping, MutableMapping, ValuesView
from typing import Any, TypeVar

V = TypeVar("V")


class PackedTable(MutableMapping[str, V]):
    """A mapping from id to entry, in the order written, whose entries are unpickled on first
    use. Reading all of them (``values()``, ``items()``) unpickles the rest once, in order."""

    __slots__ = ("_opened", "_packed", "_whole")

    def __init__(self, packed: Mapping[str, bytes]) -> None:
        self._packed = dict(packed)  # id -> pickled entry (b"" once set in memory), in order
        self._opened: dict[str, V] = {}
        self._whole: dict[str, V] | None = None

    @classmethod
    def of(cls, table: Mapping[str, V]) -> PackedTable[V]:
        """``table``'s entries, each pickled on its own."""
        return cls({key: _pack(value) for key, value in table.items()})

    @property
    def opened(self) -> int:
        """How many entries have been unpickled so far (what a command paid for)."""
        return len(self._opened)

    def __getitem__(self, key: str) -> V:
        try:
            return self._opened[key]
        except KeyError:
            packed = self._packed[key]  # an unknown id raises KeyError, as a dict does
        # setdefault: two threads opening the same entry both get the one kept
        return self._opened.setdefault(key, pickle.loads(packed))  # noqa: S301 - our own bytes

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def _all(self) -> dict[str, V]:
        whole = self._whole
        if whole is None:
            whole = self._whole = {key: self[key] for key in self._packed}
        return whole

    def values(self) -> ValuesView[V]:
        return self._all().values()

    def items(self) -> ItemsView[str, V]:
        return self._all().items()

    def __setitem__(self, key: str, value: V) -> None:
        self._packed.setdefault(key, b"")  # keeps its place; the entry itself is in _opened
        self._opened[key] = value
        self._whole = None

    def __delitem__(self, key: str) -> None:
        del self._packed[key]
        self._opened.pop(key, None)
        self._whole = None

    def __repr__(self) -> str:
        return f"PackedTable({len(self)} entries, {self.opened} unpickled)"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the packed entries again (an entry read since is packed anew)."""
        packed = {
            key: _pack(self._opened[key]) if key in self._opened else data
            for key, data in self._packed.items()
        }
        return (type(self), (packed,))


def _pack(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
