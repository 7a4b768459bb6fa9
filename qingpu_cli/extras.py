"""The optional parts of the package (the assistants' server, DataFrames), imported on demand.

The core install carries neither the MCP SDK nor pandas; the module that needs one is imported
here, and a missing module becomes one line that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from qingpu_cli.errors import MissingExtra


def import_extra(module: str, extra: str, what: str) -> ModuleType:
    """The module, or MissingExtra when a module it needs is not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtra(what, extra, error.name) from None
