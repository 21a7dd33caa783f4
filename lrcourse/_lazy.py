"""Sub-modules loaded on first use, so importing one lesson's code loads only that lesson."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any


def submodules(package: str, path: list[str]) -> tuple[str, ...]:
    """The public sub-modules of ``package`` (names not starting with ``_``), sorted."""
    return tuple(sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_")))


def lazy_getattr(package: str, names: tuple[str, ...]) -> Callable[[str], ModuleType]:
    """A module ``__getattr__`` that imports ``package.<name>`` when it is first asked for."""

    def __getattr__(name: str) -> Any:
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
