"""The suite runs against a served Jarvis (JARVIS_URL, JARVIS_API_KEY), from the wheel installed in
a fresh virtualenv: clients/python/test/pythonSdk.int.test.ts sets both up."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest

from jarvis import TSAIComponent


@pytest.fixture(scope="session")
def jarvis_url() -> str:
    return os.environ["JARVIS_URL"]


@pytest.fixture()
def component(jarvis_url: str) -> Iterator[TSAIComponent]:
    with TSAIComponent("pytest", url=jarvis_url, api_key=os.environ.get("JARVIS_API_KEY")) as c:
        yield c


@pytest.fixture()
def unique() -> str:
    return uuid.uuid4().hex[:10]


class Proxy:
    """A TCP proxy in front of Jarvis whose `server_to_client` hook may change or drop answers."""

    def __init__(self, target: str, hook: Callable[[bytes, bytes], bytes | None]) -> None:
        host, port = target.split("//")[1].split(":")
        self.target = (host, int(port))
        self.hook = hook
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # One request per connection: read it whole, forward it, and let the hook see both.
        try:
            request = await _read_message(reader)
            if request is None:
                return
            up_reader, up_writer = await asyncio.open_connection(*self.target)
            up_writer.write(request)
            await up_writer.drain()
            answer = await _read_message(up_reader)
            up_writer.close()
            changed = self.hook(request, answer or b"")
            if changed is not None:
                # One request per connection, and the client is told so (it must not reuse it).
                head, sep, body = changed.partition(b"\r\n\r\n")
                lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
                writer.write(b"\r\n".join([*lines, b"Connection: close"]) + sep + body)
                await writer.drain()
        finally:
            writer.close()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


async def _read_message(reader: asyncio.StreamReader) -> bytes | None:
    head = await reader.readuntil(b"\r\n\r\n")
    if not head:
        return None
    length = 0
    chunked = False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += size_line + chunk
            if size == 0:
                break
        return head + body
    return head + (await reader.readexactly(length) if length else b"")


@pytest.fixture()
def proxy(jarvis_url: str) -> Iterator[Callable[[Callable[[bytes, bytes], bytes | None]], Proxy]]:
    made: list[Proxy] = []

    def make(hook: Callable[[bytes, bytes], bytes | None]) -> Proxy:
        made.append(Proxy(jarvis_url, hook))
        return made[-1]

    yield make
    for p in made:
        p.close()


class TcpPipe:
    """Bytes both ways between a client and Jarvis (WebSockets too); ``drop()`` cuts every open
    connection at once, as a flaky network does."""

    def __init__(self, target: str) -> None:
        host, port = target.split("//")[1].split(":")
        self.target = (host, int(port))
        self.loop = asyncio.new_event_loop()
        self.writers: set[asyncio.StreamWriter] = set()
        self.connections = 0
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        ready.wait(10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers.update({writer, up_writer})

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.writers.difference_update({writer, up_writer})

    def drop(self) -> None:
        def cut() -> None:
            for w in list(self.writers):
                w.transport.abort()

        self.loop.call_soon_threadsafe(cut)

    def close(self) -> None:
        self.drop()
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture()
def tcp_pipe(jarvis_url: str) -> Iterator[TcpPipe]:
    pipe = TcpPipe(jarvis_url)
    yield pipe
    pipe.close()
