"""What `qingpu diff` found, for a person (a summary first, then each change, old and new) or
as one JSON object for a script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qingpu_cli.cli.run import Streams
from qingpu_cli.render.formats import person_text, visible, write_json_sections
from qingpu_cli.store.vocabulary import KIND_SINGULAR

#: How a missing value reads: a record or field one store does not have.
ABSENT = "(none)"


def _value(value: object) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, list) and not value:
        return "(empty)"
    return visible(person_text(value))


def summary_lines(found: Mapping[str, Any]) -> list[str]:
    """A line for each kind with a difference ("facts: 136 added, 3 changed, 0 removed"), then
    how many verdicts changed, by what gives them."""
    lines = []
    for kind, counts in found["summary"].items():
        if kind == "store":
            fields = next(e["changes"] for e in found["changed"] if e["kind"] == "store")
            lines.append(f"store: {', '.join(fields)} changed")
            continue
        lines.append(
            f"{kind}: {counts['added']} added, {counts['changed']} changed,"
            f" {counts['removed']} removed"
        )
    by_kind: dict[str, int] = {}
    for entry in found["verdicts"]:
        by_kind[entry["kind"]] = by_kind.get(entry["kind"], 0) + 1
    if by_kind:
        told = ", ".join(f"{count} {kind}" for kind, count in by_kind.items())
        lines.append(f"verdicts and bounds changed: {told}")
    return lines


def _entry_lines(word: str, entries: Sequence[Mapping[str, Any]], fields: bool) -> list[str]:
    lines = []
    for entry in entries:
        kind = KIND_SINGULAR.get(entry["kind"], entry["kind"])
        lines.append(f"{word}{kind} {visible(entry['id'])}")
        if fields:
            lines.extend(
                f"  {field}: {_value(old)} -> {_value(new)}"
                for field, (old, new) in entry["changes"].items()
            )
    return lines


def change_lines(found: Mapping[str, Any]) -> list[str]:
    """The summary, then each record added and removed (its id), each record changed (each
    changed field, old -> new), and each verdict or bound that changed."""
    if not any(found[key] for key in ("added", "removed", "changed", "verdicts")):
        return ["no differences: the stores hold the same data"]
    return [
        *summary_lines(found),
        "",
        *_entry_lines("added ", found["added"], fields=False),
        *_entry_lines("removed ", found["removed"], fields=False),
        *_entry_lines("changed ", found["changed"], fields=True),
        *_entry_lines("", found["verdicts"], fields=True),
    ]


def write_diff(found: Mapping[str, Any], streams: Streams, as_json: bool) -> None:
    if as_json:
        write_json_sections(found, streams.stdout)
        return
    streams.stdout.write("".join(f"{line}\n" for line in change_lines(found)))
