"""Where the system's Chromium is, and how to start it headless on a closed machine.

Browser tests and the benchmark drive Debian's `chromium` package through Playwright; they
never download a browser of their own.

>>> "--disable-background-networking" in CHROMIUM_ARGS
True
"""

import os
import shutil

# Without the networking flags Chromium keeps trying to reach Google's hosts; --no-sandbox
# because CI runs as root, where Chromium's sandbox refuses to start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium binary: $CHROMIUM, else `chromium` or `chromium-browser` on PATH."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
