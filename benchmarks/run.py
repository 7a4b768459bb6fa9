"""Start-up and scale of `qingpu`, side by side with a bare interpreter and with jq.

Run it as `python benchmarks/run.py` with the `qingpu` to measure on PATH (an installed copy,
bytecode caches written: this script runs each command once before timing it). Commands being
compared are interleaved round by round, so a load on the shared machine hits them alike.
It prints medians and ratios and writes every figure to `benchmarks/results.json`. Where the
extra `mcp` is installed it also times the assistants' server: a tool call in-process, and from
starting `qingpu mcp` to its first answers (`--mcp-only` measures that alone). With
`sqlite-utils` on PATH (it is in the test extra) it also times `qingpu export --sqlite` against
`sqlite-utils insert` of the same 100,000 facts as a JSON array into a new database.
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
    store["events"] = [{**event, "id": f"event-{n}"} for n in range(count // 50)]
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
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument(
        "--mcp-only", action="store_true", help="only the MCP server's figures (no file written)"
    )
    options = parser.parse_args()

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

    if options.mcp_only:
        measure_mcp(qingpu, options.rounds, env)
        return

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
        # What a terminal gets, drawn into a pipe: the same screen, the same imports.
        "qingpu overview (a terminal)": [qingpu, "overview"],
        "qingpu facts (a terminal)": [qingpu, "facts", "--format", "table"],
        "qingpu report --html -": [qingpu, "report", "--html", "-"],
        "completion: qingpu partners --sector <TAB>": [
            "env",
            *(f"{k}={v}" for k, v in completion_env.items()),
            qingpu,
        ],
    }
    print(f"start-up, median of {options.rounds} interleaved runs, caches warm:")
    started = compare(startup, options.rounds, env)
    bare = started["bare python -c pass"]["median_ms"]
    for name, figures in started.items():
        ratio = figures["median_ms"] / bare
        figures["x_bare"] = ratio
        print(f"  {name:45} {figures['median_ms']:7.1f} ms  {ratio:5.2f}x bare")

    scale: dict[str, Any] = {}
    print(
        f"\nscale, median of {options.scale_rounds} interleaved runs: qingpu on a store proven"
        " valid, and validating it in full (QINGPU_NO_CACHE: every run is a first run)"
    )
    for size in (int(s) for s in options.sizes.split(",")):
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

    print(f"\njoins, median of {options.scale_rounds} interleaved runs, store proven valid:")
    joined = {size: joined_store(size, work) for size in (10_000, 100_000)}
    for command_name in ("partners", "events"):
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

    sqlite_utils = shutil.which("sqlite-utils")
    if sqlite_utils and "100000" in scale:
        print(f"\nexport, median of {options.export_rounds} interleaved runs, 100,000 facts:")
        store = work / "store-100000.json"
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

    mcp = measure_mcp(qingpu, options.rounds, env) if _has_mcp() else None
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}",
        "qingpu": copy_measured,
        "startup": started,
        "scale": scale,
        "mcp": mcp,
    }
    Path(options.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {options.output}")
    shutil.rmtree(work, ignore_errors=True)


def _has_mcp() -> bool:
    import importlib.util

    return importlib.util.find_spec("mcp") is not None


if __name__ == "__main__":
    main()
