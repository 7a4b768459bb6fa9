"""What a terminal is sent: a store's control and bidirectional characters, in any text field,
reach it as visible escapes from every command, never raw."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest

from conftest import BUNDLED
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.library.ratios import RATIO_IDS
from qingpu_cli.store.vocabulary import REFERENCES, CitationStyle

QINGPU = str(Path(sys.executable).with_name("qingpu"))
STYLES: tuple[str, ...] = get_args(CitationStyle)

#: What a store could hold to act on a terminal: an operating-system command that sets the
#: window's title, and a right-to-left override that reverses what follows it.
HOSTILE = "\x1b]0;owned\x07\u202e"
#: Fields that are ids, references or closed vocabularies, not text: the schema refuses
#: anything else there. Every other string of the store is given the hostile text.
NOT_TEXT = {
    "id",
    "topic",
    "unit",
    "sector",
    "role",
    "relation",
    "status",
    "bound",
    "date_basis",
    "date",
    "accessed",
    "former_ids",
    "url",
    "source",
    "subject",
    "quantity",
    "period",
    *(field for _, field in REFERENCES),
}
#: `kind` is a closed vocabulary in every record but an agreement.
KIND_IS_TEXT = {"agreements"}


def hostile_strings(value: Any, key: str, kind: str) -> Any:
    if isinstance(value, str):
        if key in NOT_TEXT or (key == "kind" and kind not in KIND_IS_TEXT):
            return value
        if key == "quote":
            return value[: 200 - len(HOSTILE)] + HOSTILE
        return value + HOSTILE
    if isinstance(value, list):
        return [hostile_strings(item, key, kind) for item in value]
    if isinstance(value, dict):
        within = key or kind  # a record's evidence has a kind of its own
        return {name: hostile_strings(item, name, within) for name, item in value.items()}
    return value


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    for kind, records in store.items():
        if isinstance(records, list):
            store[kind] = [hostile_strings(record, "", kind) for record in records]
    path = tmp_path_factory.mktemp("hostile") / "hostile.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def on_a_terminal(args: list[str], columns: str = "100") -> str:
    """What a run sends to a pseudo-terminal, stdout and stderr both."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [QINGPU, *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": columns, "QINGPU_PAGER": "cat"},  # the screen itself
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def every_command(store: dict[str, Any]) -> list[list[str]]:
    """Every command that shows a store's data, and `show` and `cite` of a record of every
    kind, of a ratio and of a quantity."""
    ids = [records[0]["id"] for records in store.values() if isinstance(records, list)]
    quantity = next(fact["quantity"] for fact in store["facts"] if fact.get("quantity"))
    runs = [["overview"], ["ratios", "--chart"], ["validate"], ["report", "--html", "-"]]
    runs += [[name, "owned"] if LISTINGS[name].argument == "text" else [name] for name in LISTINGS]
    runs += [["show", record_id] for record_id in (*ids, RATIO_IDS[0])]
    runs += [["cite", record_id, "--style", style] for record_id in ids for style in STYLES]
    runs += [["cite", quantity, "--style", style] for style in STYLES]
    return runs


def test_the_hostile_store_is_valid(hostile_store: Path) -> None:
    result = subprocess.run(
        [QINGPU, "validate", str(hostile_store)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_command_sends_a_store_s_controls_raw_to_a_terminal(hostile_store: Path) -> None:
    store = json.loads(hostile_store.read_text(encoding="utf-8"))
    raw, escaped = [], []
    runs = every_command(store)
    for args in runs:
        shown = on_a_terminal(["--data", str(hostile_store), *args])
        assert "Traceback" not in shown, args
        if "\x1b]0;owned" in shown or "\u202e" in shown:
            raw.append(" ".join(args))
        if "\\x1b" in shown or "\\u001b" in shown:
            escaped.append(" ".join(args))
    assert raw == []
    assert len(escaped) > len(runs) * 3 // 4, "the store's text is shown, as escapes"


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_markdown_on_a_terminal_renders_as_it_does_piped(tmp_path: Path, columns: str) -> None:
    """Markdown is text to paste: a line the terminal's width would begin with `1. `, `+ ` or
    `- ` must not become a list item of its own."""
    from markdown_it import MarkdownIt

    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    fact = store["facts"][0]
    fact["statement"] = " ".join(["- item + plus 1. one"] * 40)
    path = tmp_path / "list-like.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    args = ["--data", str(path), "cite", fact["id"], "--style", "markdown"]
    piped = subprocess.run([QINGPU, *args], capture_output=True, text=True, check=True).stdout
    shown = on_a_terminal(args, columns).replace("\r\n", "\n")
    markdown = MarkdownIt("commonmark")
    assert markdown.render(shown) == markdown.render(piped)
