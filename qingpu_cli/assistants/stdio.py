"""Serving over standard input and output until the input closes or a signal says stop.

Three things the SDK's stdio transport leaves open are settled here. Requests are answered in
the order they come: the next request reaches the server only once the one before it has been
answered. Standard input is read by a daemon thread, with no lock of Python's stdin held, so
that SIGTERM or Ctrl-C ends the server even while the client keeps its end open. And when the
input closes, what was asked is answered before the server ends. The SDK keeps standard output
for protocol messages alone, its descriptor pointing at stderr while it serves.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import AsyncIterator
from typing import Any, cast

import anyio
import anyio.from_thread
import anyio.lowlevel
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCError, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse

from qingpu_cli.errors import ExitStatus, Interrupted

_CHUNK = 1 << 16


class _Lines:
    """The lines of a file descriptor, read by a daemon thread with `os.read`: a thread blocked
    on it holds no lock, so the process can end while it waits."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        send, receive = anyio.create_memory_object_stream[str](16)
        token = anyio.lowlevel.current_token()

        def pump() -> None:
            pending = b""
            try:
                while chunk := os.read(self.descriptor, _CHUNK):
                    *lines, pending = (pending + chunk).split(b"\n")
                    for line in lines:
                        anyio.from_thread.run(
                            send.send, line.decode("utf-8", "replace"), token=token
                        )
                if pending.strip():
                    anyio.from_thread.run(
                        send.send, pending.decode("utf-8", "replace"), token=token
                    )
            except (OSError, RuntimeError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass  # the input failed, or the server has ended: either way, no more lines
            finally:
                with contextlib.suppress(RuntimeError):
                    anyio.from_thread.run_sync(send.close, token=token)

        threading.Thread(target=pump, name="qingpu-mcp-input", daemon=True).start()
        async with receive:
            async for line in receive:
                yield line


class _InOrder:
    """Between the transport and the server: a request is passed on once every request before
    it has been answered, so answers leave in the order the requests came."""

    def __init__(self) -> None:
        self.waiting: set[Any] = set()
        self.idle = anyio.Event()
        self.idle.set()

    def _settle(self, request_id: Any) -> None:
        self.waiting.discard(request_id)
        if not self.waiting:
            self.idle.set()

    async def inbound(
        self,
        source: ObjectReceiveStream[SessionMessage | Exception],
        server: ObjectSendStream[SessionMessage | Exception],
    ) -> None:
        async with server:
            async for item in source:
                if isinstance(item, SessionMessage):
                    message = item.message
                    if isinstance(message, JSONRPCRequest):
                        await self.idle.wait()
                        self.waiting.add(message.id)
                        self.idle = anyio.Event()
                    elif isinstance(message, JSONRPCNotification) and (
                        message.method == "notifications/cancelled"
                    ):
                        # A cancelled request is never answered: stop waiting for it.
                        self._settle((message.params or {}).get("requestId"))
                await server.send(item)
            await self.idle.wait()  # the input has closed: answer what was asked, then end

    async def outbound(
        self,
        server: ObjectReceiveStream[SessionMessage],
        sink: ObjectSendStream[SessionMessage],
    ) -> None:
        async with server:
            async for item in server:
                await sink.send(item)
                if isinstance(item.message, (JSONRPCResponse, JSONRPCError)):
                    self._settle(item.message.id)


async def _serve(server: MCPServer[Any], stopped: list[int]) -> None:
    low = server._lowlevel_server  # the SDK's own stdio runner drives this same server
    ordering = _InOrder()
    to_server, from_client = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    to_client, from_server = anyio.create_memory_object_stream[SessionMessage](0)
    lines = cast("anyio.AsyncFile[str]", _Lines(os.dup(0)))
    async with anyio.create_task_group() as group:

        async def watch_signals() -> None:
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
                async for signum in received:
                    stopped.append(signum)
                    group.cancel_scope.cancel()
                    return

        group.start_soon(watch_signals)
        async with stdio_server(stdin=lines) as (read_stream, write_stream):
            async with anyio.create_task_group() as relay:
                relay.start_soon(ordering.inbound, read_stream, to_server)
                relay.start_soon(ordering.outbound, from_server, write_stream)
                await low.run(from_client, to_client, low.create_initialization_options())
            await write_stream.aclose()
        group.cancel_scope.cancel()


def serve(server: MCPServer[Any]) -> int:
    """Serve until standard input closes or SIGTERM (the client's way to stop a server), then
    status 0; Ctrl-C (SIGINT) is Interrupted, which the run boundary says as for any command."""
    stopped: list[int] = []
    anyio.run(_serve, server, stopped)
    if stopped and stopped[0] == signal.SIGINT:
        raise Interrupted
    return int(ExitStatus.OK)
