"""qingpu: facts about Qingpu New City, each traced to its source.

As a library::

    import qingpu_cli as qingpu
    store = qingpu.open_store()
    store.partners(sector="telecom")

`open_store` and `FactStore` are imported on first use, so that the command line's quickest
runs (completion, `--json` listings) do not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qingpu_cli.errors import NotFound, QingpuError, StoreInvalid, StorePathError, UsageError

if TYPE_CHECKING:
    from qingpu_cli.library.api import FactStore, open_store

__version__ = "0.3.0"

__all__ = [
    "FactStore",
    "NotFound",
    "QingpuError",
    "StoreInvalid",
    "StorePathError",
    "UsageError",
    "__version__",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name in ("FactStore", "open_store"):
        from qingpu_cli.library import api

        return getattr(api, name)
    raise AttributeError(f"module 'qingpu_cli' has no attribute {name!r}")
