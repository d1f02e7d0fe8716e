"""A tiny Chrome DevTools Protocol client for the serve tests: headless Chromium, one page.

Three CDP methods are all the tests need (open a page, evaluate JavaScript in it, close the
browser), so this speaks the protocol over the well-kept ``websockets`` library rather than
pulling in a client such as pychrome (unmaintained since 2019) or Playwright (which downloads
its own browsers, and a build machine must not reach the network).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import subprocess
import tempfile
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class Browser:
    def __init__(self) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="treatypress-chromium-", ignore_cleanup_errors=True)
        # On a loaded machine Chromium now and then exits before it listens: one more try
        for attempt in range(2):
            self.process, url, said = self._start()
            if url:
                break
            if attempt:
                raise RuntimeError("Chromium did not start: " + said)
        # a context manager in websockets' design; entered here, left in close()
        self.socket: ClientConnection = connect(url, max_size=None).__enter__()
        self._ids = itertools.count(1)
        self.session = ""

    def _start(self) -> tuple[subprocess.Popen[str], str, str]:
        process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        said = []
        for line in process.stderr:  # Chromium prints its DevTools address when it is ready
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                return process, found[1], ""
            said.append(line)
        process.wait()
        return process, "", "".join(said)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        while True:  # events arrive between answers; the tests need none of them
            reply = json.loads(self.socket.recv(timeout=30))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        """Evaluate until the expression is truthy; the value, or an AssertionError naming it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:  # "execution context was destroyed": the page is reloading
                value = None
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"the page never satisfied: {expression}")

    def close(self) -> None:
        self.session = ""
        # the browser may already be gone; it is killed below either way
        with contextlib.suppress(RuntimeError, OSError, TimeoutError, ConnectionClosed):
            self.call("Browser.close")
        self.socket.__exit__(None, None, None)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._profile.cleanup()
