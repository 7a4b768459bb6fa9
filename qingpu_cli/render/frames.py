"""A listing's records as a pandas DataFrame, for a notebook.

The columns are the listing's fields, in order, even when no row is left. A column of numbers
is numeric (whole numbers stay integers, a missing one is <NA>); a column whose every value is
a full date (YYYY-MM-DD) or missing holds dates, while one that also holds a year or a month
("2021") stays text, since a year is not a day; lists and objects (evidence, inputs) stay as
they are, one in each cell. pandas is imported here alone, from the extra `qingpu[pandas]`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qingpu_cli.extras import import_extra

if TYPE_CHECKING:
    import pandas

_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_full_date(value: object) -> bool:
    if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _column(pd: Any, values: list[Any]) -> Any:
    present = [value for value in values if value is not None]
    if present and all(_is_number(value) for value in present):
        whole = all(isinstance(value, int) for value in present)
        return pd.array(values, dtype="Int64" if whole else "Float64")
    if present and all(_is_full_date(value) for value in present):
        return pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d")
    if present and all(isinstance(value, bool) for value in present):
        return pd.array(values, dtype="boolean")
    return pd.Series(values)


def as_frame(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> pandas.DataFrame:
    """The rows as a DataFrame with these columns; MissingExtra without pandas."""
    pd: Any = import_extra("pandas", "pandas", "a DataFrame (FactStore.frame)")
    columns = {field: _column(pd, [row.get(field) for row in rows]) for field in fields}
    frame = pd.DataFrame({field: pd.Series(column) for field, column in columns.items()})
    return frame.reindex(columns=list(fields))
