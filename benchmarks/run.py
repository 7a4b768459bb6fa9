"""Start-up and scale of `qingpu`, side by side with a bare interpreter and with jq.

Run it as `python benchmarks/run.py` with the `qingpu` to measure on PATH (an installed copy,
bytecode caches written: this script runs each command once before timing it). Commands being
compared are interleaved round by round, so a load on the shared machine hits them alike.
It prints medians and ratios and writes every figure to `benchmarks/results.json`. Where the
extra `mcp` is installed it also times the assistants' server: a tool call in-process, and from
starting `qingpu mcp` to its first answers (`--sections mcp` measures that alone). With
`sqlite-utils` on PATH (it is in the test extra) it also times `qingpu export --sqlite` against
`sqlite-utils insert` of the same 100,000 facts as a JSON array into a new database. It times
`qingpu diff` of two 100,000-fact stores (one figure in a hundred changed, a thousand facts
removed and a thousand added, every list reversed) against reading both (`qingpu validate` of
each), both validating in full. It runs every declared command on stores of 10,000 and
100,000 facts beside jq reading the larger. `--sections` runs some of the measures alone; their
figures replace those of the same measures in the results, and the others are kept.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "qingpu.json"


#: What a script runs with `--json` on a store proven valid: each within 4x bare start-up.
SCRIPTED: tuple[tuple[str, ...], ...] = (
    ("show", "huawei", "--json"),
    ("search", "huawei", "--json"),
    ("compare", "--json"),
    ("audit", "--json"),
    ("ratios", "--json"),
    ("cite", "new-city-gdp-share"),
    ("overview", "--json"),
)


def target_of(name: str) -> float | None:
    """The start-up target, as a multiple of bare start-up, of a measured command."""
    if name.startswith("completion"):
        return 3.0
    if "(a terminal)" in name:
        return 8.0
    if name.endswith("--json") or name.startswith("qingpu cite") or "not a terminal" in name:
        return 4.0
    return None


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory in kB of one run of the command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def compare(
    commands: dict[str, list[str]], rounds: int, env: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Median wall time and peak memory of each command, the commands interleaved."""
    for command in commands.values():
        run_once(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            elapsed, peak = run_once(command, env)
            times[name].append(elapsed)
            memory[name].append(peak)
    return {
        name: {
            "median_ms": statistics.median(times[name]) * 1000,
            "peak_rss_mb": statistics.median(memory[name]) / 1024,
        }
        for name in commands
    }


def synthetic_store(count: int, directory: Path) -> Path:
    """The bundled store with `count` facts made from its own, each with a unique id."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    templates = store["facts"]
    store["facts"] = []
    for number in range(count):
        fact = copy.deepcopy(templates[number % len(templates)])
        fact["id"] = f"{fact['id']}-{number}"
        store["facts"].append(fact)
    path = directory / f"store-{count}.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def joined_store(count: int, directory: Path) -> Path:
    """A store whose listings join across records: `count` partners, each party to an agreement
    with the first, and `count` facts counting the projects of `count // 50` events."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    partner, agreement = store["partners"][0], store["agreements"][0]
    event, fact = store["events"][0], store["facts"][0]
    store["partners"] = [{**partner, "id": f"partner-{n}"} for n in range(count)]
    store["agreements"] = [
        {
            **agreement,
            "id": f"agreement-{n}",
            "parties": [f"partner-{n}"],
            "counterpart": "partner-0",
        }
        for n in range(count)
    ]
    store["events"] = [{**event, "id": f"event-{n}", "former_ids": []} for n in range(count // 50)]
    store["facts"] = [
        {
            **fact,
            "id": f"projects-{n}",
            "value": n,
            "unit": "count",
            "decimals": 0,
            "share_of": None,
            "related": [f"event-{n % (count // 50)}"],
        }
        for n in range(count)
    ]
    for kind in ("industries", "initiatives"):
        store[kind] = []
    path = directory / f"joined-{count}.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def one_quantity_store(count: int, directory: Path) -> Path:
    """The bundled store with `count` more statements of one quantity (the planned area), of
    values apart and overlapping: what `compare`, `show`, `overview` and `report` must judge
    by sorting, not by holding each statement against every other."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    template = next(f for f in store["facts"] if f["quantity"] == "new-city-planned-area")
    store["facts"] += [
        {**template, "id": f"area-{n}", "value": round(80 + (n % 2000) / 100, 2), "decimals": 2}
        for n in range(count)
    ]
    path = directory / f"one-quantity-{count}.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def shared_count_store(events: int, directory: Path) -> Path:
    """The bundled store with `events` events, all counted by one fact (as the article's 40
    projects count two): each event's row must not list every other."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    event = store["events"][0]
    store["events"] = [{**event, "id": f"event-{n}", "former_ids": []} for n in range(events)]
    for fact in store["facts"]:
        fact["related"] = []
    counted = next(fact for fact in store["facts"] if fact["unit"] == "count")
    counted["related"] = [f"event-{n}" for n in range(events)]
    path = directory / f"shared-count-{events}.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def agreement_scale(qingpu: str, work: Path, rounds: int, env: dict[str, str]) -> dict[str, Any]:
    """The commands that judge agreement, on 10,000 and 100,000 statements of one quantity."""
    stores = {size: one_quantity_store(size, work) for size in (10_000, 100_000)}
    found: dict[str, Any] = {}
    for name, args in {
        "compare": ["compare", "--json"],
        "show": ["show", "new-city-planned-area", "--json"],
        "overview": ["overview"],
        "report": ["report", "--html", "-"],
    }.items():
        commands = {
            str(size): [qingpu, "--data", str(path), *args] for size, path in stores.items()
        }
        timed = compare(commands, rounds, env)
        growth = timed["100000"]["median_ms"] / timed["10000"]["median_ms"]
        found[f"{name}_one_quantity"] = {**timed, "growth": growth}
        print(
            f"  {' '.join(args)}: {timed['10000']['median_ms']:.0f} ms at 10,000 statements,"
            f" {timed['100000']['median_ms']:.0f} ms at 100,000: {growth:.1f}x (linear: 10x)"
        )
    return found


def changed_store(path: Path) -> Path:
    """A release after the store at the path: every hundredth figure one higher (in its last
    stated place), the last thousand facts removed and a thousand new ones added, and every
    list in reverse order (no difference by itself)."""
    store = json.loads(path.read_text(encoding="utf-8"))
    facts = store["facts"]
    for fact in facts[::100]:
        if fact["value"] is not None and fact["share_of"] is None:
            fact["value"] += 10 ** max(0, -fact["decimals"])  # one in its last stated place
    added = [{**copy.deepcopy(fact), "id": f"{fact['id']}-new"} for fact in facts[:1000]]
    store["facts"] = facts[:-1000] + added
    for records in store.values():
        if isinstance(records, list):
            records.reverse()
    changed = path.with_name(f"{path.stem}-changed.json")
    changed.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return changed


def long_statement_store(megabytes: int, directory: Path) -> Path:
    """The bundled store with one statement of about `megabytes` MB, Latin and Chinese words."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    words = "alpha beta gamma delta 青浦 新城 "
    store["facts"][0]["statement"] += " " + words * (megabytes * 1_000_000 // len(words))
    path = directory / f"statement-{megabytes}mb.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def output_bytes(command: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    return len(done.stdout)


def large_results(
    qingpu: str, work: Path, env: dict[str, str], rounds: int, facts: Path | None
) -> dict[str, Any]:
    """Screens of large results against the machine format of the same rows, and the output
    of one count shared by many events, at two sizes."""
    figures: dict[str, Any] = {}
    statement = long_statement_store(10, work)
    screens = {
        "search, 10 MB statement, table": [qingpu, "--data", str(statement), "search", "gamma"],
        "search, 10 MB statement, tsv": [qingpu, "--data", str(statement), "search", "gamma"],
    }
    screens["search, 10 MB statement, table"] += ["--format", "table"]
    screens["search, 10 MB statement, tsv"] += ["--format", "tsv"]
    long_fact = [qingpu, "--data", str(statement)]
    screens["facts, 10 MB statement, table"] = [*long_fact, "facts", "--format", "table"]
    screens["facts, 10 MB statement, tsv"] = [*long_fact, "facts", "--format", "tsv"]
    shown = [*long_fact, "show", "new-city-planned-area"]
    screens["show, 10 MB statement, table"] = [*shown, "--format", "table"]
    screens["show, 10 MB statement, json"] = [*shown, "--json"]
    many = one_quantity_store(100_000, work)
    charted = [qingpu, "--data", str(many), "compare", "new-city-planned-area"]
    screens["compare --chart, 100,000 statements"] = [*charted, "--chart"]
    screens["compare, 100,000 statements, json"] = [*charted, "--json"]
    if shutil.which("jq"):
        screens["jq .facts, 100,000 statements"] = ["jq", ".facts", str(many)]
    if facts is not None:
        screens["facts, 100,000 rows, table"] = [qingpu, "--data", str(facts), "facts"]
        screens["facts, 100,000 rows, table"] += ["--format", "table"]
        screens["facts, 100,000 rows, tsv"] = [qingpu, "--data", str(facts), "facts"]
        screens["facts, 100,000 rows, tsv"] += ["--format", "tsv"]
    timed = compare(screens, rounds, env)
    for table, machine in (
        ("search, 10 MB statement, table", "search, 10 MB statement, tsv"),
        ("facts, 100,000 rows, table", "facts, 100,000 rows, tsv"),
        ("facts, 10 MB statement, table", "facts, 10 MB statement, tsv"),
        ("show, 10 MB statement, table", "show, 10 MB statement, json"),
        ("compare --chart, 100,000 statements", "compare, 100,000 statements, json"),
        ("compare --chart, 100,000 statements", "jq .facts, 100,000 statements"),
    ):
        if table in timed and machine in timed:
            key = "time_x_jq" if machine.startswith("jq") else "time_x_machine"
            timed[table][key] = timed[table]["median_ms"] / timed[machine]["median_ms"]
    figures["screens"] = timed
    for name, found in timed.items():
        line = f"  {name:34} {found['median_ms']:7.0f} ms {found['peak_rss_mb']:6.0f} MB"
        if "time_x_machine" in found:
            line += f" | {found['time_x_machine']:.2f}x the machine format's time (target 5x)"
        if "time_x_jq" in found:
            line += f", {found['time_x_jq']:.2f}x jq's (target 2x)"
        print(line)
    shared: dict[str, Any] = {}
    for events in (1_000, 10_000):
        path = shared_count_store(events, work)
        shared[str(events)] = {
            command: output_bytes([qingpu, "--data", str(path), command, *more], env)
            for command, more in (("events", ["--json"]), ("report", ["--html", "-"]))
        }
    for command in ("events", "report"):
        growth = shared["10000"][command] / shared["1000"][command]
        shared[f"{command}_growth"] = growth
        print(
            f"  {command}, one count for 1,000 and 10,000 events: {shared['1000'][command]:,}"
            f" and {shared['10000'][command]:,} bytes, {growth:.1f}x (linear: 10x)"
        )
    figures["shared_count"] = shared
    return figures


#: The words of a command's example that name a file or a record the synthetic stores lack,
#: replaced for the measure; `{store}` and `{work}` are filled in. The server waits on its
#: standard input, and is timed in its own section.
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "show": ("show", "huawei"),
    "cite": ("cite", "huawei"),
    "export": ("export", "--sqlite", "{work}/every-command.db", "--replace"),
    "report": ("report", "--html", "-"),
    "validate": ("validate", "{store}"),
    "diff": ("diff", "{store}", "{store}"),
}
NOT_IN_EVERY_COMMAND = ("mcp",)


def declared_commands() -> dict[str, tuple[str, ...]]:
    """Every command the command line declares, with the words of its example."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from qingpu_cli.cli.commands import COMMANDS

    return {
        name: COMMAND_WORDS.get(name, tuple(command.example.command.split()[1:]))
        for name, command in COMMANDS.items()
        if name not in NOT_IN_EVERY_COMMAND
    }


def every_command(
    qingpu: str, jq: str | None, work: Path, rounds: int, env: dict[str, str]
) -> dict[str, Any]:
    """Every declared command on stores of 10,000 and 100,000 facts (proven valid), beside jq
    reading the larger: each should grow about linearly and take at most 2x jq's time."""
    stores = {size: synthetic_store(size, work) for size in (10_000, 100_000)}
    commands: dict[str, list[str]] = {}
    for name, words in declared_commands().items():
        for size, path in stores.items():
            filled = [word.format(store=path, work=work) for word in words]
            commands[f"{name} {size}"] = [qingpu, "--data", str(path), *filled]
    if jq:
        commands["jq 100000"] = [jq, ".facts", str(stores[100_000])]
    timed = compare(commands, rounds, env)
    found: dict[str, Any] = {"jq_100000": timed.get("jq 100000")}
    jq_ms = timed["jq 100000"]["median_ms"] if jq else None
    for name in declared_commands():
        small, large = timed[f"{name} 10000"], timed[f"{name} 100000"]
        entry = {"10000": small, "100000": large, "growth": large["median_ms"] / small["median_ms"]}
        line = (
            f"  {name:12} {small['median_ms']:7.0f} ms at 10,000, {large['median_ms']:7.0f} ms"
            f" at 100,000 ({entry['growth']:4.1f}x, at most 12x)"
        )
        if jq_ms:
            entry["time_x_jq"] = large["median_ms"] / jq_ms
            line += f", {entry['time_x_jq']:.2f}x jq's time (at most 2x)"
        found[name] = entry
        print(line)
    return found


def measured_copy(qingpu: str) -> str:
    """Where the package behind the `qingpu` on PATH lives: an editable checkout or an install."""
    with open(qingpu, "rb") as script:
        shebang = script.readline().decode(errors="replace")
    interpreter = shebang[2:].strip() if shebang.startswith("#!") else sys.executable
    found = subprocess.run(
        [interpreter, "-I", "-c", "import qingpu_cli; print(qingpu_cli.__file__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        return "unknown"
    package = Path(found.stdout.strip()).parent
    kind = "installed" if "site-packages" in package.parts else "editable checkout"
    return f"{kind}: {package}"


SECTIONS = (
    "startup",
    "scale",
    "agreement",
    "joins",
    "export",
    "diff",
    "large",
    "commands",
    "mcp",
)


#: The tool calls timed in-process: what an assistant asks most, a good and a bad answer.
MCP_CALLS: tuple[tuple[str, dict[str, str]], ...] = (
    ("search", {"text": "huawei"}),
    ("facts", {"topic": "economy"}),
    ("facts", {}),
    ("show", {"id": "new-city-gdp-share"}),
    ("cite", {"id": "new-city-planned-area"}),
    ("compare", {"quantity": "new-city-planned-area"}),
    ("partners", {"sector": "telecom"}),
    ("show", {"id": "no-such-id"}),
)


def mcp_tool_calls(rounds: int) -> dict[str, Any]:
    """Median milliseconds of a tool call on the bundled store, in-process: the server's own
    handling of `tools/call` (what `MCPServer.call_tool` does for the transport), and the same
    through the SDK's in-memory client, which also checks each answer against its schema."""
    import anyio
    from mcp import Client
    from mcp.server.mcpserver.exceptions import ToolError

    import qingpu_cli
    from qingpu_cli.assistants.server import build_server
    from qingpu_cli.library.held import text_directory

    server = build_server(qingpu_cli.open_store(), text_directory(None))

    async def measure() -> dict[str, Any]:
        served: dict[str, list[float]] = {}
        through_client: dict[str, list[float]] = {}

        async def handled(name: str, arguments: dict[str, str]) -> None:
            """A tool error is an answer too: the transport turns it into one."""
            with contextlib.suppress(ToolError):
                await server.call_tool(name, arguments)

        async with Client(server) as client:
            for name, arguments in MCP_CALLS:  # once each before timing: citations made
                await handled(name, arguments)
            for _ in range(rounds):
                for name, arguments in MCP_CALLS:
                    key = f"{name} {json.dumps(arguments, ensure_ascii=False)}"
                    start = time.perf_counter()
                    await handled(name, arguments)
                    served.setdefault(key, []).append(time.perf_counter() - start)
                    start = time.perf_counter()
                    await client.call_tool(name, arguments)
                    through_client.setdefault(key, []).append(time.perf_counter() - start)
        every = [value for values in served.values() for value in values]
        every_client = [value for values in through_client.values() for value in values]
        return {
            "median_ms": statistics.median(every) * 1000,
            "median_ms_through_the_in_memory_client": statistics.median(every_client) * 1000,
            "by_call_median_ms": {k: statistics.median(v) * 1000 for k, v in served.items()},
        }

    return anyio.run(measure)


def mcp_startup(qingpu: str, rounds: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds from starting `qingpu mcp` to its answer to `initialize`, and to its first
    tool call's answer (a search)."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "benchmark", "version": "1"},
        },
    }
    search = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "search", "arguments": {"text": "huawei"}},
    }
    asked = "".join(json.dumps(message) + "\n" for message in (initialize, search)).encode()
    first: list[float] = []
    answered: list[float] = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        process = subprocess.Popen(
            [qingpu, "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(asked)
        process.stdin.flush()
        process.stdout.readline()
        first.append(time.perf_counter() - start)
        process.stdout.readline()
        answered.append(time.perf_counter() - start)
        process.stdin.close()
        process.wait(timeout=30)
    return {
        "first_answer_median_s": statistics.median(first[1:]),
        "first_tool_answer_median_s": statistics.median(answered[1:]),
    }


def measure_mcp(qingpu: str, rounds: int, env: dict[str, str]) -> dict[str, Any]:
    print(f"\nqingpu mcp, median of {rounds} rounds (targets: a call 5 ms, start-up 1 s):")
    calls = mcp_tool_calls(rounds)
    print(f"  tool call in-process, the server's handling: {calls['median_ms']:.2f} ms")
    through = calls["median_ms_through_the_in_memory_client"]
    print(f"  the same through the SDK's in-memory client:  {through:.2f} ms")
    for key, median in calls["by_call_median_ms"].items():
        print(f"    {key:60} {median:6.2f} ms")
    started = mcp_startup(qingpu, rounds, env)
    print(f"  start-up to the answer to initialize: {started['first_answer_median_s']:.2f} s")
    print(f"  start-up to a search's answer:        {started['first_tool_answer_median_s']:.2f} s")
    return {"tool_calls": calls, "startup": started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="runs of each start-up command")
    parser.add_argument("--scale-rounds", type=int, default=5, help="runs of each scale command")
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="facts in the synthetic stores"
    )
    parser.add_argument("--export-rounds", type=int, default=3, help="runs of each export")

    parser.add_argument("--diff-rounds", type=int, default=3, help="runs of each diff")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"the measures to run, of {', '.join(SECTIONS)}",
    )
    options = parser.parse_args()
    sections = set(options.sections.split(","))
    if not sections <= set(SECTIONS):
        raise SystemExit(f"--sections takes some of {', '.join(SECTIONS)}")

    qingpu = shutil.which("qingpu")
    jq = shutil.which("jq")
    if qingpu is None:
        raise SystemExit("no qingpu on PATH: install the project first (pip install .)")
    python = sys.executable
    copy_measured = measured_copy(qingpu)
    print(f"measuring {qingpu} ({copy_measured}), bytecode caches written\n")
    work = Path(tempfile.mkdtemp(prefix="qingpu-bench-"))
    env = {**os.environ, "QINGPU_CACHE_DIR": str(work / "cache"), "COLUMNS": "80"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("QINGPU_NO_CACHE", None)
    completion_env = {
        "_QINGPU_COMPLETE": "complete_bash",
        "COMP_WORDS": "qingpu partners --sector ",
        "COMP_CWORD": "3",
    }

    startup = {
        "bare python -c pass": [python, "-c", "pass"],
        "qingpu facts --json": [qingpu, "facts", "--json"],
        "qingpu facts (tsv, not a terminal)": [qingpu, "facts"],
        "qingpu partners --sector telecom --json": [
            qingpu,
            "partners",
            "--sector",
            "telecom",
            "--json",
        ],
        **{f"qingpu {' '.join(words)}": [qingpu, *words] for words in SCRIPTED},
        # What a terminal gets, drawn into a pipe: the same screen, the same imports.
        "qingpu overview (a terminal)": [qingpu, "overview"],
        "qingpu facts (a terminal)": [qingpu, "facts", "--format", "table"],
        "qingpu compare (a terminal)": [qingpu, "compare", "--format", "table"],
        "qingpu show huawei (a terminal)": [qingpu, "show", "huawei", "--format", "table"],
        "qingpu report --html -": [qingpu, "report", "--html", "-"],
        "completion: qingpu partners --sector <TAB>": [
            "env",
            *(f"{k}={v}" for k, v in completion_env.items()),
            qingpu,
        ],
        "qingpu help facts": [qingpu, "help", "facts"],
    }
    started: dict[str, dict[str, float]] = {}
    if "startup" in sections:
        print(f"start-up, median of {options.rounds} interleaved runs, caches warm:")
        started = compare(startup, options.rounds, env)
        bare = started["bare python -c pass"]["median_ms"]
        for name, figures in started.items():
            ratio = figures["median_ms"] / bare
            figures["x_bare"] = ratio
            target = target_of(name)
            verdict = (
                ""
                if target is None
                else f"  (target {target}x: {'met' if ratio <= target else 'MISSED'})"
            )
            print(f"  {name:45} {figures['median_ms']:7.1f} ms  {ratio:5.2f}x bare{verdict}")

    scale: dict[str, Any] = {}
    sizes = [int(s) for s in options.sizes.split(",")] if "scale" in sections else []
    if "scale" in sections:
        print(
            f"\nscale, median of {options.scale_rounds} interleaved runs: qingpu on a store"
            " proven valid, and validating it in full (QINGPU_NO_CACHE: every run is a first run)"
        )
    for size in sizes:
        path = synthetic_store(size, work)
        listing = [qingpu, "--data", str(path), "facts", "--json"]
        commands = {
            "qingpu": listing,
            "qingpu validating": ["env", "QINGPU_NO_CACHE=1", *listing],
        }
        if jq:
            commands["jq"] = [jq, ".facts", str(path)]
        timed = compare(commands, options.scale_rounds, env)
        entry: dict[str, Any] = {"store_mb": path.stat().st_size / 1e6, **timed}
        if jq:
            for name in ("qingpu", "qingpu validating"):
                entry[name]["time_x_jq"] = timed[name]["median_ms"] / timed["jq"]["median_ms"]
                entry[name]["memory_x_jq"] = timed[name]["peak_rss_mb"] / timed["jq"]["peak_rss_mb"]
        scale[str(size)] = entry
        print(f"  {size:>7} facts ({entry['store_mb']:.1f} MB):")
        for name, figures in timed.items():
            line = f"    {name:18} {figures['median_ms']:7.0f} ms {figures['peak_rss_mb']:6.0f} MB"
            if jq and name != "jq":
                line += f" | {figures['time_x_jq']:.2f}x jq's time"
                line += f", {figures['memory_x_jq']:.2f}x its memory"
            print(line)
    if "10000" in scale and "100000" in scale:
        growth = scale["100000"]["qingpu"]["median_ms"] / scale["10000"]["qingpu"]["median_ms"]
        scale["growth_10k_to_100k"] = growth
        print(f"  time from 10,000 to 100,000 facts: {growth:.1f}x (linear would be 10x)")

    if "joins" in sections:
        print(f"\njoins, median of {options.scale_rounds} interleaved runs, store proven valid:")
    joined = (
        {size: joined_store(size, work) for size in (10_000, 100_000)}
        if "joins" in sections
        else {}
    )
    for command_name in ("partners", "events") if joined else ():
        commands = {
            str(size): [qingpu, "--data", str(path), command_name, "--json"]
            for size, path in joined.items()
        }
        timed = compare(commands, options.scale_rounds, env)
        growth = timed["100000"]["median_ms"] / timed["10000"]["median_ms"]
        scale[f"{command_name}_growth"] = growth
        scale[f"{command_name}_joined"] = timed
        print(
            f"  {command_name} --json: {timed['10000']['median_ms']:.0f} ms at 10,000 records,"
            f" {timed['100000']['median_ms']:.0f} ms at 100,000: {growth:.1f}x (linear: 10x)"
        )

    if "agreement" in sections:
        print(
            f"\nagreement, median of {options.scale_rounds} interleaved runs, store proven valid:"
        )
        scale.update(agreement_scale(qingpu, work, options.scale_rounds, env))

    sqlite_utils = shutil.which("sqlite-utils")
    if sqlite_utils and "export" in sections:
        print(f"\nexport, median of {options.export_rounds} interleaved runs, 100,000 facts:")
        store = synthetic_store(100_000, work)
        facts = work / "facts-100000.json"
        facts.write_text(
            json.dumps(json.loads(store.read_text(encoding="utf-8"))["facts"], ensure_ascii=False),
            encoding="utf-8",
        )
        ours, theirs = work / "export.db", work / "sqlite-utils.db"
        commands = {
            "qingpu export --sqlite": [
                "sh",
                "-c",
                f'rm -f "{ours}" && "{qingpu}" --data "{store}" export --sqlite "{ours}"',
            ],
            "sqlite-utils insert": [
                "sh",
                "-c",
                f'rm -f "{theirs}" && "{sqlite_utils}" insert "{theirs}" facts "{facts}"',
            ],
        }
        timed = compare(commands, options.export_rounds, env)
        ratio = (
            timed["qingpu export --sqlite"]["median_ms"] / timed["sqlite-utils insert"]["median_ms"]
        )
        scale["export"] = {**timed, "time_x_sqlite_utils": ratio}
        for name, figures in timed.items():
            print(f"  {name:24} {figures['median_ms']:7.0f} ms {figures['peak_rss_mb']:6.0f} MB")
        print(f"  qingpu's export takes {ratio:.2f}x the time of sqlite-utils' insert (target 2x)")

    if "diff" in sections:
        print(f"\ndiff, median of {options.diff_rounds} interleaved runs, 100,000 facts each:")
        old = synthetic_store(100_000, work)
        new = changed_store(old)
        first_run = {**env, "QINGPU_NO_CACHE": "1"}
        commands = {
            "qingpu diff": [
                "sh",
                "-c",
                f'"{qingpu}" diff "{old}" "{new}" --json > /dev/null; [ $? -eq 1 ]',
            ],
            "qingpu validate of each": [
                "sh",
                "-c",
                f'"{qingpu}" validate "{old}" && "{qingpu}" validate "{new}"',
            ],
        }
        timed = compare(commands, options.diff_rounds, first_run)
        ratio = timed["qingpu diff"]["median_ms"] / timed["qingpu validate of each"]["median_ms"]
        scale["diff"] = {
            **timed,
            "time_x_reading_both": ratio,
            "date": time.strftime("%Y-%m-%d"),
            "qingpu": copy_measured,
        }
        for name, figures in timed.items():
            print(f"  {name:24} {figures['median_ms']:7.0f} ms {figures['peak_rss_mb']:6.0f} MB")
        print(f"  qingpu diff takes {ratio:.2f}x the time of reading both stores (target 3x)")

    if "large" in sections:
        print(f"\nlarge results, median of {options.scale_rounds} interleaved runs:")
        hundred_thousand = work / "store-100000.json"
        scale["large"] = large_results(
            qingpu,
            work,
            env,
            options.scale_rounds,
            hundred_thousand if hundred_thousand.exists() else None,
        )

    if "commands" in sections:
        print(
            f"\nevery command, median of {options.scale_rounds} interleaved runs, store proven"
            f" valid, jq reading the larger ({jq or 'jq not found'}):"
        )
        scale["commands"] = every_command(qingpu, jq, work, options.scale_rounds, env)

    mcp = measure_mcp(qingpu, options.rounds, env) if "mcp" in sections and _has_mcp() else None
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}",
        "qingpu": copy_measured,
        "startup": started,
        "scale": scale,
        "mcp": mcp,
    }
    output = Path(options.output)
    if sections != set(SECTIONS) and output.exists():
        kept = json.loads(output.read_text(encoding="utf-8"))
        results = {  # the figures not measured now keep the date and copy they were made by
            **kept,
            "startup": started or kept.get("startup", {}),
            "scale": {**kept.get("scale", {}), **scale},
            "mcp": mcp or kept.get("mcp"),
        }
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {options.output}")
    shutil.rmtree(work, ignore_errors=True)


def _has_mcp() -> bool:
    import importlib.util

    return importlib.util.find_spec("mcp") is not None


if __name__ == "__main__":
    main()
