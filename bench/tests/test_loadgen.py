"""The load generator of `make bench`: its statistics, how it counts errors, and one short
run against small servers the tests start on 127.0.0.1 (no timing is asserted)."""

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bench.conftest import local_http_server
from bench.loadgen import GroupStats, Load, error_kind, percentile, read_targets

BASE_DIR = Path(__file__).resolve().parents[2]


def test_percentiles_interpolate_between_the_closest_ranks():
    samples = [50.0, 10.0, 40.0, 20.0, 30.0]

    assert percentile(samples, 50) == 30.0
    assert percentile(samples, 90) == pytest.approx(46.0)
    assert percentile(samples, 99) == pytest.approx(49.6)
    assert percentile(samples, 100) == 50.0
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_statuses_outside_2xx_and_3xx_and_failures_are_errors_counted_by_kind():
    stats = GroupStats()
    for status, ms in ((200, 10.0), (301, 20.0), (304, 30.0), (404, 40.0), (500, 50.0)):
        stats.answered(status, ms)
    stats.answered(500, 60.0)
    stats.failed("timeout")
    stats.failed("connection refused")

    summary = stats.summary(seconds=2.0)

    assert summary["requests"] == 8
    assert summary["errors"] == {
        "HTTP 404": 1,
        "HTTP 500": 2,
        "connection refused": 1,
        "timeout": 1,
    }
    assert summary["requests_per_second"] == 4.0
    # Latencies are those of the answers, errors included; failures have none.
    assert summary["p50_ms"] == 35.0
    assert summary["max_ms"] == 60.0


def test_a_group_that_never_got_an_answer_has_no_latency_rather_than_a_made_up_one():
    stats = GroupStats()
    stats.failed("timeout")

    summary = stats.summary(seconds=1.0)

    assert summary["requests"] == 1
    assert (summary["p50_ms"], summary["p99_ms"], summary["max_ms"]) == (None, None, None)


def test_requests_take_the_groups_in_turn_and_each_groups_paths_in_turn():
    load = Load("127.0.0.1", 1, {"home": ["/"], "town": ["/a/", "/b/"]}, 1, 1.0)

    turns = [load.next_request() for _ in range(6)]

    assert [group for group, _ in turns] == ["home", "town"] * 3
    assert [request.split(b" ")[1] for _, request in turns] == [
        b"/",
        b"/a/",
        b"/",
        b"/b/",
        b"/",
        b"/a/",
    ]
    assert turns[0][1].startswith(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n")


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({}, "every URL group needs at least one path"),
        ({"home": []}, "every URL group needs at least one path"),
        ({"home": ["/en/ HTTP/1.1\r\nX: y"]}, "not a path to request"),
        ({"home": ["http://example.org/"]}, "not a path to request"),
    ],
)
def test_targets_that_cannot_be_requested_are_refused_with_a_clear_message(groups, message):
    with pytest.raises(ValueError, match=message):
        Load("127.0.0.1", 1, groups, 1, 1.0)


def test_a_targets_file_that_is_not_groups_of_paths_is_refused(tmp_path):
    targets = tmp_path / "targets.json"
    targets.write_text('["/en/"]', encoding="utf-8")

    with pytest.raises(SystemExit, match="expected an object of URL groups"):
        read_targets(targets)
    with pytest.raises(SystemExit, match="cannot read the targets"):
        read_targets(tmp_path / "missing.json")


def test_errors_get_the_kind_a_reader_of_the_report_understands():
    assert error_kind(TimeoutError()) == "timeout"
    assert error_kind(ConnectionRefusedError()) == "connection refused"
    assert error_kind(ConnectionResetError()) == "connection reset"
    assert error_kind(asyncio.IncompleteReadError(b"", 10)) == "incomplete or malformed answer"
    assert error_kind(OSError("no route")) == "connection error (OSError)"


# --- Against small servers started here ----------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1: /ok answers 200, /moved 302, /chunked 200 in chunks, /fail 500."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"twinned ", b"towns"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        status = {"/ok": 200, "/moved": 302, "/fail": 500}.get(self.path, 404)
        body = b"x" * 100
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_short_run_counts_every_500_and_nothing_else_as_an_error(tmp_path):
    targets = tmp_path / "targets.json"
    targets.write_text(
        json.dumps({"pages": ["/ok", "/moved", "/chunked"], "broken": ["/fail"]}),
        encoding="utf-8",
    )
    with local_http_server(Handler) as port:
        # As `make bench` runs it: a process of its own.
        command = [sys.executable, "-m", "bench.loadgen", str(targets), "--port", str(port)]
        command += ["--connections", "4", "--seconds", "1"]
        output = subprocess.run(
            command, cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=60
        ).stdout

    result = json.loads(output)
    pages, broken = result["groups"]["pages"], result["groups"]["broken"]
    assert pages["requests"] > 0
    assert pages["errors"] == {}
    assert broken["requests"] > 0
    assert broken["errors"] == {"HTTP 500": broken["requests"]}
    assert result["total"]["errors"] == {"HTTP 500": broken["requests"]}
    assert result["total"]["requests"] == pages["requests"] + broken["requests"]
    assert result["peak_in_flight"] == 4
    # Keep-alive: far fewer connections than requests.
    assert result["connections_opened"] < result["total"]["requests"]


def run_load(port: int, **options) -> dict:
    """A short run, in a thread of its own: this one may already run the browser tests'
    event loop (Playwright's), and a thread has one loop at most."""
    options = {"connections": 2, "seconds": 0.3, "timeout": 5.0, **options}
    load = Load("127.0.0.1", port, {"page": ["/"]}, **options)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, load.run()).result()


@contextlib.contextmanager
def raw_server(answer) -> Iterator[int]:
    """An asyncio server in a thread of its own; `answer(reader, writer)` serves a
    connection."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    start = asyncio.start_server(answer, "127.0.0.1", 0)
    server = asyncio.run_coroutine_threadsafe(start, loop).result(5)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def test_an_answer_that_never_comes_is_a_timeout():
    async def never(reader, writer):
        await reader.readline()
        await asyncio.sleep(30)

    with raw_server(never) as port:
        result = run_load(port, seconds=0.1, timeout=0.3)

    assert result["total"]["errors"] == {"timeout": 2}
    assert result["total"]["p50_ms"] is None


def test_a_connection_lost_in_the_middle_of_an_answer_is_an_error():
    async def cut(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a part")
        await writer.drain()
        writer.close()

    with raw_server(cut) as port:
        result = run_load(port)

    errors = result["total"]["errors"]
    assert result["total"]["requests"] > 0
    assert set(errors) <= {"incomplete or malformed answer", "connection reset"}
    assert sum(errors.values()) == result["total"]["requests"]


def test_a_connection_closed_without_an_answer_is_an_error():
    async def hang_up(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    with raw_server(hang_up) as port:
        result = run_load(port)

    assert result["total"]["requests"] > 0
    assert result["total"]["errors"] == {
        "connection closed before an answer": result["total"]["requests"]
    }


def test_a_kept_alive_connection_the_server_closes_while_idle_is_reopened_without_an_error():
    async def one_then_close(reader, writer):
        # Keeps the connection open after its answer, then closes it unannounced.
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        await writer.drain()
        writer.close()

    with raw_server(one_then_close) as port:
        result = run_load(port)

    assert result["total"]["requests"] > 2
    assert result["total"]["errors"] == {}
    assert result["connections_opened"] >= result["total"]["requests"]


def test_a_server_that_is_not_there_gives_connection_errors():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused

        result = run_load(port, seconds=0.1)

    assert set(result["total"]["errors"]) == {"connection refused"}
    assert result["total"]["errors"]["connection refused"] == result["total"]["requests"]
