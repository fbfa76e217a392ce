"""Watched configurations: gocfg.load(..., watch=True) through the real
library, on real files (saved by rename, written in place, swapped through
symbolic links as Kubernetes does, deleted and created again, written a
thousand times in a row) and on stored configs in a real SQLite file and a
real etcd server. Waits are generous and nothing asserts a duration: a test
waits for the event it needs, and fails only if it never comes.
"""
from __future__ import annotations

import _thread
import dataclasses
import logging
import os
import threading
import time
import uuid

import gocfg
import pytest
from conftest import settled_stats
from test_database import etcd  # noqa: F401  (the session's etcd server)

WAIT = 60.0  # seconds: long enough for a loaded machine, never reached when all is well
DEBOUNCE = 0.02


def save(path, text: str) -> None:
    """Save as most editors do: a temporary file renamed over the old one."""
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def next_event(stream, kind=None):
    """The next event of the stream (of the given kind), or fail."""
    for ev in stream:
        if kind is None or ev.kind == kind:
            return ev
    pytest.fail(f"no {kind or ''} event within {WAIT} s")


def wait_until(pred, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not pred():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {WAIT} s")
        time.sleep(0.01)


@pytest.fixture
def app(tmp_path):
    p = tmp_path / "app.yaml"
    p.write_text("server:\n  port: 8080\n  host: a.example\n")
    return p


def watched(*sources, **kw):
    kw.setdefault("debounce", DEBOUNCE)
    return gocfg.load(*sources, watch=True, **kw)


# ------------------------------------------------------------- files on disk

def test_rename_on_save_is_applied_with_diff_and_origins(app):
    with watched(app) as cfg:
        assert isinstance(cfg, gocfg.Config) and cfg.watching
        server = cfg["server"]  # a Section, and a cached read, from before the change
        assert server["port"] == 8080 and cfg["server.port"] == 8080
        stream = cfg.changes(timeout=WAIT)
        save(app, "# moved down\nserver:\n  port: 9090\n  host: a.example\n")
        ev = next_event(stream)
        assert ev.kind == "applied" and not ev.forced
        assert cfg["server.port"] == 9090 and server["port"] == 9090  # the cache and sections follow
        assert str(cfg.origin("server.port")) == f"{app}:3:3"  # provenance points into the new file
        assert ev.diff.changed == {"server.port": (8080, 9090)}
        (change,) = ev.diff
        assert str(change.old_origin) == f"{app}:2:3" and str(change.new_origin) == f"{app}:3:3"
        assert ev.sources == [str(app)]
        assert ev.version > 0 and ev.time.tzinfo is not None
        assert cfg.last_change is ev


def test_in_place_write_is_applied(app):
    with watched(app) as cfg:
        stream = cfg.changes(timeout=WAIT)
        with open(app, "w") as f:
            f.write("server:\n  port: 1\n  host: b.example\n")
        ev = next_event(stream, "applied")
        while cfg.to_dict().get("server", {}).get("host") != "b.example":  # a write seen half way: the rest follows
            ev = next_event(stream, "applied")
        assert cfg.to_dict() == {"server": {"port": 1, "host": "b.example"}}
        assert ev.diff


def test_configmap_symlink_swap_is_seen(tmp_path):
    # The layout of a Kubernetes ConfigMap volume: app.yaml -> ..data/app.yaml,
    # ..data -> ..<timestamp>; an update swaps ..data atomically.
    mount = tmp_path / "mount"
    mount.mkdir()
    v1 = mount / "..v1"
    v1.mkdir()
    (v1 / "app.yaml").write_text("level: 1\n")
    os.symlink("..v1", mount / "..data")
    os.symlink("..data/app.yaml", mount / "app.yaml")
    with watched(mount / "app.yaml") as cfg:
        assert cfg["level"] == 1
        stream = cfg.changes(timeout=WAIT)
        v2 = mount / "..v2"
        v2.mkdir()
        (v2 / "app.yaml").write_text("level: 2\n")
        os.symlink("..v2", mount / "..data_tmp")
        os.replace(mount / "..data_tmp", mount / "..data")
        ev = next_event(stream, "applied")
        assert cfg["level"] == 2 and ev.diff.changed == {"level": (1, 2)}
        # the old version's directory goes away, as the kubelet does; nothing breaks
        (v1 / "app.yaml").unlink()
        v1.rmdir()
        assert next(cfg.changes(timeout=0.5), None) is None
        assert cfg["level"] == 2


def test_required_file_deleted_is_rejected_then_recreated_is_applied(app):
    errors = []
    with watched(app) as cfg:
        cfg.on_error(errors.append)
        stream = cfg.changes(timeout=WAIT)
        app.unlink()
        ev = next_event(stream)
        assert ev.kind == "rejected" and "does not exist" in str(ev.error)
        assert cfg["server.port"] == 8080  # the old configuration stays
        save(app, "server:\n  port: 7070\n")
        ev = next_event(stream, "applied")
        assert cfg.to_dict() == {"server": {"port": 7070}}
        assert ev.diff.removed == {"server.host": "a.example"}
    assert errors and errors[0].kind == "rejected"


def test_optional_file_appearing_and_disappearing(app, tmp_path):
    local = tmp_path / "app.local.toml"
    with watched(app, f"{local}?") as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(local, "[server]\nport = 1234\n")
        ev = next_event(stream, "applied")
        assert cfg["server.port"] == 1234 and str(cfg.origin("server.port")) == f"{local}:2:1"
        local.unlink()
        ev = next_event(stream, "applied")
        assert cfg["server.port"] == 8080 and ev.diff.changed == {"server.port": (1234, 8080)}


def test_a_thousand_rapid_writes_end_in_the_final_state(tmp_path):
    p = tmp_path / "n.json"
    p.write_text('{"n": -1}')
    with watched(p) as cfg:
        stream = cfg.changes(timeout=WAIT)
        for i in range(1000):
            save(p, '{"n": %d}' % i)
        seen = []
        while not seen or seen[-1] != 999:  # the stream holds every event since before the writes
            ev = next_event(stream)
            assert ev.kind == "applied", ev
            seen.append(ev.diff.changed["n"][1])
        assert seen == sorted(seen)  # and no older state came after a newer one
        assert next(cfg.changes(timeout=0.5), None) is None
        assert cfg["n"] == 999


# ---------------------------------------------------------------- rejection

def test_invalid_change_rejected_then_valid_one_applied(app):
    errors = []
    with watched(app) as cfg:
        cfg.on_error(errors.append)
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: [\n")
        ev = next_event(stream)
        assert ev.kind == "rejected"
        assert isinstance(ev.error, gocfg.ParseError)
        assert ev.error.filename == str(app) and ev.error.line
        assert str(app) in str(ev)
        assert cfg["server.port"] == 8080
        save(app, "server:\n  port: 8081\n")
        ev = next_event(stream)
        assert ev.kind == "applied" and cfg["server.port"] == 8081
    assert [e.kind for e in errors] == ["rejected"]


@dataclasses.dataclass
class Server:
    port: int
    host: str = "localhost"


@dataclasses.dataclass
class Settings:
    server: Server


def test_dataclass_validation_rejects_a_change(app):
    with watched(app, validate=Settings) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: eighty\n")
        ev = next_event(stream)
        assert ev.kind == "rejected"
        assert isinstance(ev.error, gocfg.ValidationError)
        assert ev.error.errors[0][0] == "server.port" and f"{app}:2:3" in ev.error.errors[0][1]
        assert "validation failed" in str(ev)
        assert cfg["server.port"] == 8080
        save(app, "server:\n  port: 80\n")
        assert next_event(stream).kind == "applied" and cfg["server.port"] == 80


def test_first_configuration_is_validated_too(app):
    app.write_text("server:\n  port: eighty\n")
    before = settled_stats()
    with pytest.raises(gocfg.ValidationError):
        watched(app, validate=Settings)
    after = settled_stats()
    assert after["live_handles"] == before["live_handles"]


def test_callable_validator_and_reload(app):
    calls = []

    def check(candidate):
        calls.append(candidate["server.port"])
        if candidate["server.port"] < 1024:
            raise ValueError("ports below 1024 need root")

    with watched(app, validate=check) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 80\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and isinstance(ev.error, ValueError) and "1024" in str(ev.error)
        with pytest.raises(ValueError, match="1024"):
            cfg.reload()  # the same content, forced: refused again
        assert cfg["server.port"] == 8080
        save(app, "server:\n  port: 8443\n")
        next_event(stream, "applied")
        ev = cfg.reload()
        assert ev.kind == "applied" and ev.forced and not ev.diff
        assert calls[0] == 8080 and calls[-1] == 8443


def test_validator_returning_false_rejects(app):
    with watched(app, validate=lambda c: c["server.port"] != 1) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 1\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and "returned False" in str(ev.error)


def test_a_validators_own_message_never_shows_a_secret(app):
    # The validator is the user's: its exception may quote any value it
    # read, a secret too. The event's text (str(), lines(), what callbacks
    # print) masks the candidate's secrets, as they stand and as repr()
    # quotes them (with escapes), and the values that interpolate one. The
    # exception itself stays the user's own.
    def check(c):
        if c["server.port"] == 1:
            int(c["db.password"])  # ValueError: invalid literal for int() ...: "hun'ter2 \\x01"
        if c["server.port"] == 2:
            raise ValueError(f"cannot reach {c['db.dsn']} ({c['db.password']})")

    with watched(app, validate=check) as cfg:
        stream = cfg.changes(timeout=WAIT)
        secret = "db:\n  password: \"hun'ter2 \\x01\"\n  dsn: 'pg://u:${db.password}@h'\n"
        save(app, "server:\n  port: 1\n" + secret)
        ev = next_event(stream)
        assert ev.kind == "rejected" and isinstance(ev.error, ValueError)
        assert "hun'ter2 \\x01" in str(ev.error)  # repr()'s escape: the user's exception, unchanged
        for text in (str(ev), "\n".join(ev.lines())):
            assert "hun" not in text and "ter2" not in text and gocfg.secrets.MASK in text, text
        assert "hun'ter2" in "\n".join(ev.lines(reveal=True))

        save(app, "server:\n  port: 2\n" + secret)
        ev = next_event(stream)
        assert ev.kind == "rejected" and "pg://u:hun'ter2" in str(ev.error)
        assert "pg://" not in str(ev) and "ter2" not in str(ev) and "cannot reach" in str(ev), str(ev)
        assert cfg["server.port"] == 8080


def test_a_validators_message_that_cuts_a_secret_short_never_shows_a_piece_of_it(app):
    # Messages cut long values short, and the piece they keep is as much a
    # leak: a validator that builds a pydantic model itself (the common
    # validate=lambda c: Settings(**c.to_dict())) raises pydantic's own
    # ValidationError, quoting the first 25 and last 24 characters of a
    # long input. Two secrets run together, and a secret that YAML reads as
    # a date, are masked too.
    pydantic = pytest.importorskip("pydantic")

    class Settings(pydantic.BaseModel):
        port: int
        api_token: int

    token = "ghp_Zq8rT2vLw9XyB4nM7kP3sD6fH1jG5aC0eU2iO8uY4tRxxxxxx"

    def check(c):
        if c["port"] == 1:
            Settings(**c.to_dict())
        if c["port"] == 2:
            raise ValueError(f"{c['a_password']}{c['b_password']} and {c['c_password']} do not match")

    app.write_text("port: 0\napi_token: 5\n")
    with watched(app, validate=check) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(app, f"port: 1\napi_token: {token}\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and "ghp_Zq8rT2vLw9XyB4nM7kP3" in str(ev.error)  # pydantic's piece
        for text in (str(ev), "\n".join(ev.lines())):
            assert "Zq8rT2vLw9" not in text and "aC0eU2iO8u" not in text, text
            assert "input_value='********...********'" in text, text

        save(app, "port: 2\na_password: prefix\nb_password: fixture\nc_password: 2024-01-02\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and "prefixfixture and 2024-01-02" in str(ev.error)
        assert "fix" not in str(ev) and "2024" not in str(ev) and "do not match" in str(ev), str(ev)
        assert cfg["port"] == 0


# ------------------------------------------------------------------ threads

def test_readers_in_eight_threads_never_see_a_mixed_state(tmp_path):
    p = tmp_path / "inv.yaml"
    p.write_text("a: 0\nb: 0\nc: v0\n")
    bad = []
    stop = threading.Event()
    reads = [0] * 8
    with watched(p) as cfg:
        def reader(i):
            while not stop.is_set():
                d = cfg.to_dict()  # one read of the whole tree
                if not (d["a"] == d["b"] and d["c"] == f"v{d['a']}"):
                    bad.append(d)
                s = cfg["c"]
                if not s.startswith("v"):
                    bad.append(s)
                reads[i] += 1

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        stream = cfg.changes(timeout=WAIT)
        for n in range(1, 101):
            save(p, f"a: {n}\nb: {n}\nc: v{n}\n")
            if n % 10 == 0:
                while cfg["a"] != n:
                    next_event(stream)
        stop.set()
        for t in threads:
            t.join()
    assert not bad, bad[:3]
    assert all(reads)


def test_callbacks_run_one_at_a_time_on_a_gocfg_thread_and_failures_are_logged(app, caplog):
    inside = []
    most = []
    names = set()
    done = []

    def slow(ev):
        inside.append(1)
        most.append(len(inside))
        names.add(threading.current_thread().name)
        time.sleep(0.05)
        inside.pop()
        done.append(ev)

    def broken(ev):
        raise RuntimeError("callback bug")

    with caplog.at_level(logging.ERROR, logger="gocfg.live"):
        with watched(app) as cfg:
            cfg.on_change(broken)
            cfg.on_change(slow)
            cfg.on_change(slow)
            for port in (1, 2, 3):
                save(app, f"server:\n  port: {port}\n")
                wait_until(lambda port=port: cfg["server.port"] == port, "change applied")
            wait_until(lambda: len(done) >= 6, "callbacks ran")
    assert max(most) == 1  # never re-entered, never two at once
    assert names == {"gocfg-watch"}
    assert "callback bug" in caplog.text and "carries on" in caplog.text


@pytest.mark.parametrize("raised", [SystemExit(3), KeyboardInterrupt()])
def test_sys_exit_in_a_callback_or_validator_leaves_the_watcher_running(app, caplog, raised):
    # sys.exit() in a callback (to have a supervisor restart the program on
    # a change) ended the gocfg-watch thread, silently: no exit, no later
    # change applied, watching still True, reload() waiting for good and
    # changes() never ending. It is logged as any failing callback is, and
    # a validator that raises it rejects the change.
    def leave(ev):
        raise raised

    def validate(cfg):
        if cfg["server.port"] == 13:
            raise raised

    with caplog.at_level(logging.ERROR, logger="gocfg.live"):
        with watched(app, validate=validate) as cfg:
            cfg.on_change(leave)
            stream = cfg.changes(timeout=WAIT)
            save(app, "server:\n  port: 1\n")
            assert next_event(stream).kind == "applied"
            save(app, "server:\n  port: 13\n")
            ev = next_event(stream)
            assert ev.kind == "rejected" and isinstance(ev.error, type(raised)), ev
            save(app, "server:\n  port: 2\n")
            assert next_event(stream).kind == "applied" and cfg["server.port"] == 2
            assert cfg.watching
            assert cfg.reload().kind == "applied"
    assert type(raised).__name__ in caplog.text and "carries on" in caplog.text


def test_reload_from_a_callback_is_refused(app):
    got = []
    with watched(app) as cfg:
        def cb(ev):
            try:
                cfg.reload()
            except RuntimeError as e:
                got.append(e)
        cfg.on_change(cb)
        cfg.reload()
        wait_until(lambda: got, "callback ran")
    assert "callback" in str(got[0])


def test_waiting_for_changes_in_a_callback_is_refused(app):
    # A callback that iterated cfg.changes() waited for events that only its
    # own thread delivers: the watcher stood still (no change applied,
    # reload() waiting) until the timeout, or for good without one.
    got = []
    with watched(app) as cfg:
        outside = cfg.changes(timeout=WAIT)

        def cb(ev):
            # An event already queued is given; only a wait is refused.
            for stream in (cfg.changes(), outside, outside):
                try:
                    got.append(next(stream))
                except RuntimeError as e:
                    got.append(e)
        cfg.on_change(cb)
        save(app, "server:\n  port: 1\n")
        wait_until(lambda: len(got) == 3, "callback ran")
        assert isinstance(got[1], gocfg.ChangeEvent) and got[1].kind == "applied"
        for e in (got[0], got[2]):
            assert isinstance(e, RuntimeError) and "its own callback" in str(e), got
        save(app, "server:\n  port: 2\n")
        wait_until(lambda: cfg["server.port"] == 2, "the next change applied")
        assert cfg.reload().kind == "applied"


def test_callbacks_must_be_callable_and_register_as_decorators(app):
    with watched(app) as cfg:
        for register in (cfg.on_change, cfg.on_error):
            with pytest.raises(TypeError, match=register.__name__ + r"\(\) needs a callable, not int"):
                register(1)
        applied, rejected = [], []

        @cfg.on_change
        def on_applied(ev):
            applied.append(ev.kind)

        @cfg.on_error
        def on_rejected(ev):
            rejected.append(ev.kind)

        assert callable(on_applied) and callable(on_rejected)  # the decorators return the callbacks
        app.write_text("server: [unclosed\n")
        wait_until(lambda: rejected, "on_error callback ran")
        app.write_text("server:\n  port: 81\n")
        wait_until(lambda: applied, "on_change callback ran")
    assert (applied[0], rejected[0]) == ("applied", "rejected")


def test_ctrl_c_in_changes_raises_keyboard_interrupt(app):
    with watched(app) as cfg:
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                for _ in cfg.changes():  # no change comes: only Ctrl-C ends this
                    pass
        finally:
            timer.cancel()
        assert cfg.watching  # the watcher is not disturbed
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 5\n")
        assert next_event(stream).kind == "applied"


def test_ctrl_c_in_reload_raises_keyboard_interrupt(app):
    hold, release = threading.Event(), threading.Event()

    def slow(candidate):  # once hold is set, holds the decision until the test lets it go
        if hold.is_set():
            release.wait(WAIT)

    with watched(app, validate=slow) as cfg:
        hold.set()
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                cfg.reload()
        finally:
            timer.cancel()
            release.set()
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 5\n")
        ev = next_event(stream, "applied")  # the watcher goes on
        while cfg["server.port"] != 5:
            ev = next_event(stream, "applied")
        assert ev.kind == "applied"


# ---------------------------------------------------------------- lifecycle

def test_frozen_for_the_user_by_default(app):
    with watched(app) as cfg:
        assert cfg.frozen
        with pytest.raises(gocfg.FrozenError):
            cfg["server.port"] = 1
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 2\n")
        next_event(stream)
        assert cfg["server.port"] == 2 and cfg.frozen  # the watcher replaces all the same
    with watched(app, freeze=False) as cfg:
        cfg["server.port"] = 3
        assert cfg["server.port"] == 3


def test_no_leaked_handles_or_goroutines_after_close(app, tmp_path):
    # The first watcher of a process leaves one goroutine that stays for
    # good (measured: the count goes from 1 to 2 and stays 2 after any
    # number of watchers more). It is made before counting, so that this
    # test also passes on its own; a leak per watcher shows in the five
    # that follow.
    watched(app).close()
    before = settled_stats()
    for i in range(5):
        cfg = watched(app, f"{tmp_path}/opt.toml?", env_prefix="APP")
        stream = cfg.changes(timeout=WAIT)
        # A new content each time: a save of what is in force is no change
        # and gives no event (a random port did that once in 1000).
        save(app, f"server:\n  port: {9000 + i}\n")
        next_event(stream)
        cfg.close()
        cfg.close()
        assert not cfg.watching
        assert list(stream) == []  # a closed config's stream ends
        with pytest.raises(gocfg.ClosedError):
            cfg["server.port"]
        with pytest.raises(gocfg.ClosedError):
            cfg.on_change(print)
    after = settled_stats()
    for key in ("live_handles", "outstanding_buffers", "outstanding_errors"):
        assert after[key] == before[key], key
    wait_until(lambda: gocfg.stats()["goroutines"] <= before["goroutines"], "goroutines end")
    assert not [t for t in threading.enumerate() if t.name == "gocfg-watch"]


def test_a_forgotten_watched_config_is_collected(app):
    before = settled_stats()
    watched(app)  # nobody keeps it
    after = settled_stats()
    assert after["live_handles"] == before["live_handles"]
    wait_until(lambda: not [t for t in threading.enumerate() if t.name == "gocfg-watch"], "watcher ends")



def test_a_stream_dropped_after_its_event_stops_taking_events(app):
    # next(cfg.changes(5), None), as the docstring suggests, left its stream
    # subscribed once it had its event: every later event went into each
    # such queue for the life of the Config (memory, and work per event,
    # grew with each call of a loop). Dropping the stream unsubscribes it.
    import gc

    with watched(app) as cfg:
        for port in (1, 2, 3):
            stream = cfg.changes(timeout=WAIT)
            save(app, f"server:\n  port: {port}\n")
            assert next_event(stream, "applied").diff.changed["server.port"][1] == port
            del stream  # not closed, not iterated to its end
        gc.collect()
        assert cfg._w.subscribers == []  # none of the three streams is fed any more
        kept = cfg.changes(timeout=WAIT)
        assert len(cfg._w.subscribers) == 1  # a stream that is kept still is
        kept.close()
        assert cfg._w.subscribers == []


def test_decided_changes_are_not_kept_for_the_life_of_the_config(app):
    # The watcher kept each change's decided event, with its whole diff,
    # for a reload() that never asked for it: memory grew with every change.
    with watched(app) as cfg:
        stream = cfg.changes(timeout=WAIT)
        for port in (1, 2, 3):
            save(app, f"server:\n  port: {port}\n")
            assert next_event(stream, "applied").diff.changed["server.port"][1] == port
        assert cfg.reload().forced  # a reload still gets its own outcome
        assert cfg._w.outcomes == {} and cfg._w.reasons == {}
        stream.close()

@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_no_watcher_in_a_forked_child(app):
    with watched(app) as cfg:
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                try:
                    cfg.on_change(print)
                    code |= 1
                except gocfg.ForkedProcessError:
                    pass
                if any(t.name == "gocfg-watch" for t in threading.enumerate()):
                    code |= 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        stream = cfg.changes(timeout=WAIT)  # the parent still watches
        save(app, "server:\n  port: 6\n")
        assert next_event(stream).kind == "applied"



@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_in_a_forked_child_a_stream_of_the_parent_and_a_new_watch_say_why(app):
    # A changes() stream taken before the fork waited in the child until its
    # timeout, for good without one (no watcher feeds it there), then ended
    # as if closed; gocfg.load(watch=True) there was refused as "a Database
    # or a large document (gocfg_cancel_trigger)".
    import signal

    with watched(app) as cfg:
        stream = cfg.changes()  # no timeout
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                signal.alarm(10)  # a hang ends the child by SIGALRM, not the test run
                try:
                    next(stream)
                    code |= 1
                except gocfg.ForkedProcessError as e:
                    if "changes() streams taken before the fork" not in str(e):
                        code |= 2
                try:
                    gocfg.load(app, watch=True)
                    code |= 4
                except gocfg.ForkedProcessError as e:
                    if "watch=True" not in str(e) or "gocfg_live_open" not in str(e):
                        code |= 8
                try:
                    gocfg.Database.open("memory://")
                    code |= 16
                except gocfg.ForkedProcessError as e:
                    if "gocfg_db_open" not in str(e):
                        code |= 32
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        stream.close()


# ----------------------------------------------------------------- secrets

def test_secrets_masked_in_events(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("db:\n  password: hunter2\n  host: h1\n")
    with watched(p) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(p, "db:\n  password: swordfish\n  host: h2\n")
        ev = next_event(stream)
        text = str(ev) + repr(ev) + repr(cfg) + cfg._repr_html_() + "\n".join(ev.lines())
        assert "hunter2" not in text and "swordfish" not in text and "********" in text
        assert "swordfish" in "\n".join(ev.lines(reveal=True))
        assert ev.diff.changed["db.password"] == ("hunter2", "swordfish")  # data is not masked


def test_values_interpolating_a_secret_masked_in_events_and_logs(tmp_path, caplog):
    p = tmp_path / "s.yaml"
    p.write_text("password: hunter2\nport: 1\n")
    with watched(p) as cfg:
        stream = cfg.changes(timeout=WAIT)

        def boom(event):
            raise RuntimeError(f"callback failed on {event}")

        cfg.on_change(boom)
        with caplog.at_level(logging.ERROR, logger="gocfg.live"):
            save(p, 'port: "${password}x"\npassword: swordfish\n')
            ev = next_event(stream)
            wait_until(lambda: any("callback failed" in r.getMessage() or r.exc_info for r in caplog.records),
                       "the failing callback logged")
        assert ev.kind == "applied" and cfg["port"] == "swordfishx"
        assert ev.diff.changed["port"] == (1, "swordfishx")  # data is not masked
        text = str(ev) + repr(list(ev.diff)) + str(ev.diff) + caplog.text
        assert "swordfish" not in text and "hunter2" not in text and "~ port: " in str(ev)
        # The next change: the old value interpolated a secret, the new does not.
        save(p, "port: 2\npassword: swordfish\n")
        ev = next_event(stream)
        assert ev.diff.changed["port"] == ("swordfishx", 2) and "swordfish" not in str(ev) + repr(list(ev.diff))


@dataclasses.dataclass
class Db:
    password: int


@dataclasses.dataclass
class WithSecret:
    db: Db


def test_secrets_masked_in_validation_errors(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("db:\n  password: 1234\n")
    with watched(p, validate=WithSecret) as cfg:
        stream = cfg.changes(timeout=WAIT)
        save(p, "db:\n  password: hunter2\n")
        ev = next_event(stream)
        assert ev.kind == "rejected" and "hunter2" not in str(ev) and "db.password" in str(ev)


# ---------------------------------------------------------------- notebook

def test_notebook_display_shows_the_last_change(app):
    with watched(app) as cfg:
        assert "no change yet" in cfg._repr_html_()
        stream = cfg.changes(timeout=WAIT)
        save(app, "server:\n  port: 4\n")
        ev = next_event(stream)
        html = cfg._repr_html_()
        stamp = ev.time.strftime("%Y-%m-%d %H:%M:%S UTC")
        assert "last change" in html and stamp in html and str(app) in html

        class P:
            def __init__(self):
                self.out = []

            def text(self, s):
                self.out.append(s)

        p = P()
        cfg._repr_pretty_(p, False)
        assert stamp in p.out[0] and "server.port = 4" in p.out[0]


# ------------------------------------------------------------ stored layers

@pytest.mark.parametrize("backend", ["sqlite", "etcd"])
def test_stored_layer_is_watched(backend, tmp_path, request, app):
    if backend == "sqlite":
        url = f"sqlite://{tmp_path}/store.db"
    else:
        url = request.getfixturevalue("etcd").url(f"t-{uuid.uuid4().hex[:12]}")
    with gocfg.Database.open(url) as db:
        db.save("services/api", {"server": {"port": 7000}})
        with watched(app, gocfg.Stored(db, "services/api")) as cfg:
            assert cfg["server.port"] == 7000 and cfg["server.host"] == "a.example"
            assert str(cfg.origin("server.port")) == "stored services/api"
            stream = cfg.changes(timeout=WAIT)
            with gocfg.Database.open(url) as other:  # another client, as another process would
                other.save("services/api", {"server": {"port": 7001}})
            ev = next_event(stream)
            assert ev.kind == "applied" and cfg["server.port"] == 7001
            assert ev.diff.changed == {"server.port": (7000, 7001)}
            assert ev.sources and "services/api" in ev.sources[0]
            assert str(ev.diff.changes[0].new_origin) == "stored services/api"



def test_an_event_escapes_a_source_name_holding_a_bidi_control():
    # A stored config's name may hold U+202E: str(event) (what `gocfg
    # watch` prints, and what a callback logs) showed the rest of its
    # heading reversed in a terminal.
    name = "svc/\u202eevil"
    with gocfg.Database.open("memory://") as db:
        db.save(name, {"port": 1})
        with watched(gocfg.Stored(db, name)) as cfg:
            stream = cfg.changes(timeout=WAIT)
            db.save(name, {"port": 2})
            ev = next_event(stream)
            assert ev.sources and "\u202e" in ev.sources[0]  # the data keeps the name as it is
            assert "\u202e" not in str(ev) and "svc/\\u202eevil" in str(ev)

def test_stored_layer_from_a_url_is_owned_and_optional(tmp_path):
    url = f"sqlite://{tmp_path}/store.db"
    before = settled_stats()
    with watched(gocfg.Stored(url, "missing/yet", optional=True), defaults={"x": 0}) as cfg:
        assert cfg.to_dict() == {"x": 0}
        stream = cfg.changes(timeout=WAIT)
        with gocfg.Database.open(url) as db:
            db.save("missing/yet", {"x": 1})
        next_event(stream)
        assert cfg["x"] == 1
    after = settled_stats()
    assert after["live_handles"] == before["live_handles"]  # the Database it opened is closed


def test_a_stored_layer_whose_sqlite_file_is_replaced_fails_instead_of_going_stale(tmp_path):
    # A backup put back with mv: the watcher kept polling the file it had
    # opened, which no one writes any more, and the Config kept its old
    # values for good while every save went to the new file, with no
    # event. The watch ends and a "failed" event says why; the values in
    # force stay, as for any source that can no longer be watched.
    path = tmp_path / "store.db"
    with gocfg.Database.open(path) as db:
        db.save("svc", {"v": 1})
    backup = tmp_path / "backup.db"
    with gocfg.Database.open(backup) as db:
        db.save("svc", {"v": "from the backup"})
    with watched(gocfg.Stored(f"sqlite://{path}", "svc")) as cfg:
        stream = cfg.changes(timeout=WAIT)
        os.replace(backup, path)
        ev = next_event(stream, "failed")
        assert "its SQLite file deleted or replaced" in str(ev.error) and cfg["v"] == 1


def test_stored_without_watch_is_read_once(tmp_path):
    url = f"sqlite://{tmp_path}/store.db"
    with gocfg.Database.open(url) as db:
        db.save("a", {"k": "v"})
        cfg = gocfg.load(gocfg.Stored(db, "a"))
        assert type(cfg) is gocfg.Config and cfg["k"] == "v"
        cfg.close()
    with pytest.raises(KeyError):
        gocfg.load(gocfg.Stored(url, "nope"))


# -------------------------------------------------------------- bad input

def test_bad_arguments(app):
    with pytest.raises(gocfg.InvalidArgumentError):
        watched(app, debounce=0)
    with pytest.raises(TypeError):
        watched(app, validate=42)
    with pytest.raises(TypeError):
        watched(42)
    with pytest.raises(gocfg.MissingFileError):
        watched(app.parent / "missing.yaml")
    with pytest.raises(gocfg.InvalidArgumentError):
        watched(gocfg.Stored("memory://", "bad*name"))
    # A name that is not UTF-8 loads without watch; watched, it is refused
    # naming the file (the spec's strings cross as UTF-8).
    odd = app.parent / os.fsdecode(b"odd\xff.yaml")
    odd.write_text("x: 1\n")
    with gocfg.load(odd) as plain:
        assert plain["x"] == 1
    with pytest.raises(gocfg.InvalidArgumentError, match=r"file name b'.*odd\\xff.yaml' is not UTF-8"):
        watched(odd)
    with watched(app) as cfg:
        with pytest.raises(TypeError):
            cfg.on_change(42)
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg.changes(timeout=-1)
