"""A bounded HTTP load generator: so many connections, for so many seconds, on one server.

    python -m bench.loadgen --port 8000 --connections 50 --seconds 30 targets.json

`targets.json` maps a URL group to its paths, e.g. `{"home": ["/en/"], "search":
["/en/search/?q=kamnik", ...]}`. Requests take the groups in turn, and each group's paths in
turn, so every group gets the same share. Each connection is one asyncio task that sends a
GET, reads the whole answer and sends the next one as soon as it has it: the server always
has `--connections` requests in hand. It keeps a connection open while the server allows it
(HTTP/1.1 keep-alive) and opens a new one when the server closes it (gunicorn's sync workers
close after each answer), so a latency includes connecting when that is needed, as a
browser would see it.

An error is a failure to connect or a connection lost mid-answer, no complete answer within
`--timeout` seconds, or any status outside 2xx and 3xx; errors are counted by kind. The
result, per group and for all together, is the number of requests and errors, requests per
second (over the whole run, its last answers included), and p50/p90/p99/max latency; with it
the generator's own CPU use and the most requests it had in flight, to show it kept the
connections busy and was not the limit, and the machine's load average when it started.

Run it as a process of its own (the benchmark does) so that it shares no interpreter lock
with the server or the caller. It stops starting requests after `--seconds`; the ones in
flight then finish or time out, so a run lasts at most `--seconds` + `--timeout`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Above this, a request counts as an error: a visitor would have given up.
DEFAULT_TIMEOUT = 10.0


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100), by linear interpolation between closest ranks.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    >>> percentile([5.0], 95)
    5.0
    """
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class GroupStats:
    """What one URL group got: the latency of every answer and the errors by kind.

    >>> stats = GroupStats()
    >>> stats.answered(200, 12.0); stats.answered(500, 30.0); stats.failed("timeout")
    >>> stats.summary(seconds=1.0)["errors"]
    {'HTTP 500': 1, 'timeout': 1}
    """

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    failures: int = 0

    def answered(self, status: int, ms: float) -> None:
        """A complete answer; outside 2xx and 3xx it is an error too (it still has a
        latency)."""
        self.latencies_ms.append(ms)
        if not 200 <= status < 400:
            self.errors[f"HTTP {status}"] += 1

    def failed(self, kind: str) -> None:
        """A request that got no complete answer."""
        self.failures += 1
        self.errors[kind] += 1

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.failures

    def merge(self, other: GroupStats) -> None:
        self.latencies_ms += other.latencies_ms
        self.errors.update(other.errors)
        self.failures += other.failures

    def summary(self, seconds: float) -> dict[str, Any]:
        samples = self.latencies_ms

        def ms(q: float) -> float | None:
            return round(percentile(samples, q), 2) if samples else None

        return {
            "requests": self.requests,
            "errors": dict(sorted(self.errors.items())),
            "requests_per_second": round(self.requests / seconds, 1) if seconds else 0.0,
            "p50_ms": ms(50),
            "p90_ms": ms(90),
            "p99_ms": ms(99),
            "max_ms": round(max(samples), 2) if samples else None,
        }


class BadResponse(ValueError):
    """The server answered something that is not HTTP/1.x."""


class ClosedBeforeAnswer(ConnectionError):
    """The connection ended before the first byte of an answer."""


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request and read its whole answer: its status and whether the connection
    stays open."""
    try:
        writer.write(request)
        await writer.drain()
        first = await reader.readline()
    except ConnectionError as error:
        raise ClosedBeforeAnswer from error
    if not first:
        raise ClosedBeforeAnswer
    return await read_response(first, reader)


async def read_response(status_line: bytes, reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read the rest of an answer after its status line."""
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise BadResponse(status_line[:80])
    status = int(parts[1])
    headers: dict[bytes, bytes] = {}
    while True:
        line = await reader.readline()
        if not line:
            raise asyncio.IncompleteReadError(b"", None)
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    keep_alive = parts[0] == b"HTTP/1.1" and headers.get(b"connection") != b"close"
    if status in (204, 304) or 100 <= status < 200:
        return status, keep_alive
    if b"chunked" in headers.get(b"transfer-encoding", b""):
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                break
            await reader.readexactly(size + 2)
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # trailers
    elif b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
    else:
        await reader.read()  # the body ends when the server closes
        keep_alive = False
    return status, keep_alive


def error_kind(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ClosedBeforeAnswer):
        return "connection closed before an answer"
    if isinstance(error, ConnectionResetError | BrokenPipeError):
        return "connection reset"
    if isinstance(error, asyncio.IncompleteReadError | ValueError):
        return "incomplete or malformed answer"
    return f"connection error ({type(error).__name__})"


@dataclass
class Load:
    """One run: the targets, taken in turn, and what each group got."""

    host: str
    port: int
    groups: dict[str, list[str]]
    connections: int
    seconds: float
    timeout: float = DEFAULT_TIMEOUT
    stats: dict[str, GroupStats] = field(init=False)
    in_flight: int = field(default=0, init=False)
    peak_in_flight: int = field(default=0, init=False)
    connections_opened: int = field(default=0, init=False)
    _turn: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if not self.groups or not all(self.groups.values()):
            raise ValueError("every URL group needs at least one path")
        if self.connections < 1 or self.seconds <= 0 or self.timeout <= 0:
            raise ValueError("connections, seconds and timeout must be positive")
        self.stats = {group: GroupStats() for group in self.groups}
        self._requests = {
            group: [self._request(path) for path in paths] for group, paths in self.groups.items()
        }
        self._names = list(self.groups)

    def _request(self, path: str) -> bytes:
        if not path.startswith("/") or any(c in path for c in " \r\n"):
            raise ValueError(f"not a path to request: {path!r}")
        return (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "User-Agent: atlas-loadgen\r\nAccept: */*\r\nAccept-Encoding: gzip\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode("ascii")

    def next_request(self) -> tuple[str, bytes]:
        """The groups in turn, and within a group its paths in turn."""
        turn, self._turn = self._turn, self._turn + 1
        group = self._names[turn % len(self._names)]
        requests = self._requests[group]
        return group, requests[(turn // len(self._names)) % len(requests)]

    async def _connection(self, deadline: float) -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while time.monotonic() < deadline:
            group, request = self.next_request()
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            started = time.perf_counter()
            keep_alive = False
            try:
                async with asyncio.timeout(self.timeout):
                    if reader is not None and writer is not None:
                        try:
                            status, keep_alive = await exchange(reader, writer, request)
                        except ClosedBeforeAnswer:
                            # A kept-alive connection the server closed while it was idle:
                            # like a browser, send the request again on a new one.
                            await _close(writer)
                            reader = writer = None
                    if reader is None or writer is None:
                        reader, writer = await asyncio.open_connection(self.host, self.port)
                        self.connections_opened += 1
                        status, keep_alive = await exchange(reader, writer, request)
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as error:
                self.stats[group].failed(error_kind(error))
                keep_alive = False
            else:
                self.stats[group].answered(status, (time.perf_counter() - started) * 1000)
            finally:
                self.in_flight -= 1
            if not keep_alive and writer is not None:
                await _close(writer)
                reader = writer = None
        if writer is not None:
            await _close(writer)

    async def run(self) -> dict[str, Any]:
        # How busy the machine already was: on a shared one, the figures are lower.
        load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        cpu_started = time.process_time()
        started = time.monotonic()
        deadline = started + self.seconds
        await asyncio.gather(*(self._connection(deadline) for _ in range(self.connections)))
        seconds = time.monotonic() - started
        cpu = time.process_time() - cpu_started
        total = GroupStats()
        for stats in self.stats.values():
            total.merge(stats)
        return {
            "connections": self.connections,
            "duration": self.seconds,
            "seconds": round(seconds, 2),
            "timeout": self.timeout,
            "peak_in_flight": self.peak_in_flight,
            "connections_opened": self.connections_opened,
            "cpu_percent": round(100 * cpu / seconds, 1),
            "load_average": load_average,
            "cpu_count": os.cpu_count(),
            "groups": {group: stats.summary(seconds) for group, stats in self.stats.items()},
            "total": total.summary(seconds),
        }


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    # An error here means the server went first: nothing is left to release.
    with contextlib.suppress(OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), 1)


def read_targets(path: Path) -> dict[str, list[str]]:
    try:
        groups = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"cannot read the targets in {path}: {error}") from None
    if not isinstance(groups, dict) or not all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths)
        for paths in groups.values()
    ):
        raise SystemExit(f"{path}: expected an object of URL groups, each a list of paths")
    return groups


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.loadgen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("targets", type=Path, help="JSON file: URL group -> list of paths")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    parser.add_argument("--out", type=Path, help="write the result here (default: stdout)")
    args = parser.parse_args(argv)
    try:
        load = Load(
            args.host,
            args.port,
            read_targets(args.targets),
            args.connections,
            args.seconds,
            args.timeout,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from None
    result = json.dumps(asyncio.run(load.run()), indent=1)
    if args.out:
        args.out.write_text(result + "\n", encoding="utf-8")
    else:
        sys.stdout.write(result + "\n")


if __name__ == "__main__":
    main()
