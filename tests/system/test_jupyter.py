"""gocfg in a real Jupyter kernel: interrupting a long call, restarting."""
from __future__ import annotations

import html.parser
import queue
import time

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

from jupyter_client.manager import start_new_kernel  # noqa: E402


def messages(get, msg_id: str, timeout: float):
    """The messages that get (kc.get_iopub_msg or kc.get_shell_msg) gives
    in answer to msg_id, as they come; others are skipped. On the shell
    channel that matters too: the client's wait_for_ready sends a
    kernel_info_request every second until one is answered, so on a loaded
    machine the replies to the extra ones wait in the shell queue, and
    taking the next shell message paired each cell with the reply to the
    one before it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            msg = get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no answer within {timeout}s to {msg_id}") from None
        if msg["parent_header"].get("msg_id") == msg_id:
            yield msg


def shell_reply(kc, msg_id: str, timeout: float = 60):
    return next(messages(kc.get_shell_msg, msg_id, timeout))


def outcome(kc, msg_id: str, timeout: float = 120):
    """Wait for the cell msg_id to end; return (status, stdout text, error):
    error is the exception's name, value and traceback as one text, or None."""
    out, error = [], None
    for msg in messages(kc.get_iopub_msg, msg_id, timeout):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            error = "\n".join([f"{content['ename']}: {content['evalue']}", *content["traceback"]])
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return shell_reply(kc, msg_id, timeout)["content"]["status"], "".join(out), error


def execute(kc, code: str, timeout: float = 120):
    """Run code in the kernel; return what outcome() says of it."""
    return outcome(kc, kc.execute(code), timeout)


@pytest.fixture
def kernel():
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
    # A stale reply in the shell queue, as a slow start leaves one (see
    # shell_reply), so every run checks that replies are matched to cells.
    kc.kernel_info()
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


LONG_CALL = """
import gocfg, time
doc = '{"items": [' + ",".join('{"k": %d, "name": "item-%d", "tags": ["a", "b"]}' % (i, i) for i in range(4_000_000)) + ']}'
print("ready", flush=True)
t0 = time.monotonic()
try:
    cfg = gocfg.Config.loads(doc, "json")
    print("finished in", time.monotonic() - t0)
except KeyboardInterrupt:
    print("interrupted after", round(time.monotonic() - t0, 2))
    raise
"""


def test_interrupt_long_call_then_keep_working(kernel):
    km, kc = kernel
    status, out, _ = execute(kc, "import gocfg; c = gocfg.Config({'a': 1}); print(c['a'])")
    assert status == "ok" and out.strip() == "1"
    msg_id = kc.execute(LONG_CALL)
    # Wait until the cell has built its document and entered the Go call.
    for msg in messages(kc.get_iopub_msg, msg_id, 120):
        if msg["msg_type"] == "stream" and "ready" in msg["content"]["text"]:
            break
    time.sleep(1.0)
    km.interrupt_kernel()
    t_int = time.monotonic()
    status, out, error = outcome(kc, msg_id, 60)
    assert status == "error" and error is not None and error.startswith("KeyboardInterrupt:"), (out, error)
    assert time.monotonic() - t_int < 5
    assert "interrupted after" in out
    # The kernel survived: the earlier object and new ones work.
    status, out, error = execute(kc, "c['b'] = 2; print(c.to_dict(), gocfg.stats()['live_handles'])")
    assert (status, out.strip()) == ("ok", "{'a': 1, 'b': 2} 1"), error
    assert km.is_alive()


def test_restart_with_live_configs(kernel):
    km, kc = kernel
    status, _, _ = execute(kc, "import gocfg; keep = [gocfg.Config({'i': i}) for i in range(50)]")
    assert status == "ok"
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=120)
    status, out, _ = execute(kc, "import gocfg; print(gocfg.stats()['live_handles'], gocfg.Config({'x': 1})['x'])")
    assert status == "ok" and out.strip() == "0 1"


DISPLAYS = r"""
import gocfg
evil = gocfg.Config({'<script>alert(1)</script>': '"onload="alert(1)', 'k</td><td>x': '</td></table><img src=x onerror=alert(1)>',
                     'password': 'hunter2', 'db': {'url': 'postgres://u:${password}@h'}})
deep = [{'token': 'hunter2'}]
for _ in range(990):
    deep = [deep]
deep = gocfg.Config({'deep': deep})
swapped = gocfg.Config({'a': {'b': 1}})
section = swapped['a']
swapped['a'] = [1, 2]
closed = gocfg.Config({'a': 1})
closed.close()
"""


class _Page(html.parser.HTMLParser):
    """The tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list = []
        self.attrs: list = []
        self.text: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def displayed(kc, code: str, timeout: float = 120):
    """Run code in the kernel; return (status, its result's data (the
    mimebundle), stream text, error)."""
    msg_id = kc.execute(code)
    data, out, error = None, [], None
    for msg in messages(kc.get_iopub_msg, msg_id, timeout):
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("execute_result", "display_data"):
            data = content["data"]
        elif kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return shell_reply(kc, msg_id, timeout)["content"]["status"], data, "".join(out), error


def test_hostile_configs_display_in_a_kernel(kernel):
    """What a notebook shows of configs built to break the display: HTML
    in keys and values stays text, secrets stay masked, and no display
    raises into the notebook (a formatter's exception shows as a
    traceback in the cell's output)."""
    km, kc = kernel
    status, _, _ = execute(kc, DISPLAYS)
    assert status == "ok"
    for name in ("evil", "deep", "section", "closed"):
        status, data, out, error = displayed(kc, name)
        assert (status, error, out) == ("ok", None, ""), (name, out)
        assert data is not None and "hunter2" not in str(data), name
        assert "Traceback" not in str(data), name
        page = data.get("text/html")
        if name in ("section", "closed"):
            # No table: the text form says what it is.
            assert page is None, name
            assert data["text/plain"] in ("<gocfg.Section 'a': it holds a list now, not a map>",
                                          "<gocfg.Config (closed)>"), name
            continue
        parsed = _Page()
        parsed.feed(page)
        parsed.close()
        assert set(parsed.tags) <= {"div", "p", "b", "table", "thead", "tbody", "tr", "th", "td"}, name
        assert set(parsed.attrs) <= {"class", "style", "colspan"}, name
        if name == "evil":
            text = "".join(parsed.text)
            assert "<script>alert(1)</script>" in text and "</td></table><img src=x onerror=alert(1)>" in text
            assert "********" in text
