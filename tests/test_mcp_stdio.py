"""The installed `qingpu mcp` as an assistant starts it: a subprocess on stdin and stdout."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

import qingpu_cli as qingpu
from conftest import BUNDLED
from qingpu_cli.cli.commands import LISTINGS

STORE = qingpu.open_store()
QINGPU = (
    str(Path(sys.executable).with_name("qingpu"))
    if Path(sys.executable).with_name("qingpu").exists()
    else (shutil.which("qingpu") or "qingpu")
)


def _environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QINGPU_")}
    env.update({"QINGPU_CACHE_DIR": os.environ["QINGPU_CACHE_DIR"], **extra})
    return env


def test_the_sdks_stdio_client_lists_the_tools_and_calls_search_and_cite() -> None:
    parameters = StdioServerParameters(
        command=QINGPU, args=["--data", str(BUNDLED), "mcp"], env=_environment()
    )

    async def session() -> tuple[list[str], Any, Any]:
        async with Client(parameters) as client:
            tools = await client.list_tools()
            found = await client.call_tool("search", {"text": "华为"})
            cited = await client.call_tool("cite", {"id": "huawei", "style": "markdown"})
            return [tool.name for tool in tools.tools], found, cited

    names, found, cited = anyio.run(session)
    assert names == [*LISTINGS, "show", "cite"]
    assert not found.is_error and found.structured_content["records"] == STORE.search("华为")
    assert not cited.is_error
    assert cited.structured_content["citation"] == STORE.cite("huawei", "markdown")


def _request(number: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": arguments}
    return {"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}


HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
]


def _start(*args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [QINGPU, *args, "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(**env),
    )


def test_requests_are_answered_in_order_and_only_protocol_is_on_stdout() -> None:
    """Pipelined requests, slow and quick, good and bad, and a line that is not JSON: every
    answer comes in the order asked, stdout holds JSON-RPC alone, and the end of the input ends
    the server with status 0 once all is answered."""
    calls = [("facts", {}), ("show", {"id": "zz"}), ("search", {"text": "huawei"}), ("audit", {})]
    messages = [*HANDSHAKE, *(_request(n, *calls[n % 4]) for n in range(1, 21))]
    lines = "".join(json.dumps(message) + "\n" for message in messages) + "not json\n"
    process = _start()
    out, err = process.communicate(lines.encode(), timeout=60)
    assert process.returncode == 0, err
    answers = [json.loads(line) for line in out.decode().splitlines()]
    assert [item["id"] for item in answers] == list(range(21))
    assert all(item["jsonrpc"] == "2.0" for item in answers)
    errors = [item["result"]["isError"] for item in answers[1:]]
    assert errors == [calls[n % 4][0] == "show" for n in range(1, 21)]


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_a_signal_ends_the_server_while_its_input_stays_open(signum: int, status: int) -> None:
    process = _start()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write((json.dumps(HANDSHAKE[0]) + "\n").encode())
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["id"] == 0  # serving
    process.send_signal(signum)
    started = time.monotonic()
    assert process.wait(timeout=20) == status
    assert time.monotonic() - started < 20
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert "Traceback" not in stderr
    assert stderr.endswith("qingpu: interrupted\n") == (signum == signal.SIGINT)
    process.stdin.close()


def test_the_store_cannot_come_on_standard_input() -> None:
    process = _start("--data", "-")
    _, err = process.communicate(b"", timeout=60)
    assert process.returncode == 2
    assert err.decode().count("\n") == 1 and "standard input" in err.decode()


def test_an_invalid_store_is_said_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 2}', encoding="utf-8")
    process = _start(QINGPU_DATA=str(bad))
    out, err = process.communicate(b"", timeout=60)
    assert process.returncode == 1 and out == b""
    assert str(bad) in err.decode()


def test_a_request_reaches_the_server_only_once_the_one_before_is_answered() -> None:
    """The gate between transport and server, with a server that would answer the second
    request first if it were given both at once."""
    from mcp.shared.message import SessionMessage
    from mcp_types import JSONRPCRequest, JSONRPCResponse

    from qingpu_cli.assistants.stdio import _InOrder

    def request(number: int) -> SessionMessage:
        return SessionMessage(JSONRPCRequest(jsonrpc="2.0", id=number, method="ping"))

    async def scenario() -> list[Any]:
        gate = _InOrder()
        client_send, transport_read = anyio.create_memory_object_stream[Any](10)
        to_server, server_read = anyio.create_memory_object_stream[Any](10)
        server_write, from_server = anyio.create_memory_object_stream[Any](10)
        client_read_send, client_read = anyio.create_memory_object_stream[Any](10)
        seen: list[Any] = []
        async with anyio.create_task_group() as group:
            group.start_soon(gate.inbound, transport_read, to_server)
            group.start_soon(gate.outbound, from_server, client_read_send)
            await client_send.send(request(1))
            await client_send.send(request(2))
            first = await server_read.receive()
            seen.append(first.message.id)
            with anyio.move_on_after(0.3):
                seen.append(("too early", (await server_read.receive()).message.id))
            answer = JSONRPCResponse(jsonrpc="2.0", id=first.message.id, result={})
            await server_write.send(SessionMessage(answer))
            seen.append((await client_read.receive()).message.id)
            with anyio.move_on_after(5):
                seen.append((await server_read.receive()).message.id)
            group.cancel_scope.cancel()
        return seen

    assert anyio.run(scenario) == [1, 1, 2]
