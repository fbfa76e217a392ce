"""Watched configurations in real processes: the `gocfg watch` command
until SIGINT, Ctrl-C in a script waiting on changes(), and an interpreter
that exits while a Config is watched. Nothing asserts a duration: each
wait has a generous bound and fails only if what it waits for never comes.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import uuid

from support.cli import running

WAIT = 60


def save(path, text: str) -> None:
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def interrupt(p):
    """Ctrl-C, then what the process printed until it exits."""
    p.send_signal(signal.SIGINT)
    return p.communicate(timeout=WAIT)


def test_cli_watch_prints_changes_until_sigint(tmp_path):
    app = tmp_path / "app.yaml"
    app.write_text("server:\n  port: 8080\ndb:\n  password: hunter2\n")
    local = tmp_path / "app.local.toml"
    local.write_text("[server]\nhost = \"a\"\n")
    env = dict(os.environ, APP_DEBUG="true")
    with running([sys.executable, "-m", "gocfg", "watch", "app.yaml", "app.local.toml", "--env-prefix", "APP",
               "--debounce", "0.02"], tmp_path, env=env) as p:
        assert "watching" in p.stderr.readline()
        save(app, "server:\n  port: 9090\ndb:\n  password: swordfish\n")
        head = p.stdout.readline()
        assert "applied from app.yaml: 2 changes" in head, head
        lines = sorted([p.stdout.readline().strip(), p.stdout.readline().strip()])
        assert lines == ["~ db.password: ******** -> ********  # app.yaml:4:3",
                         "~ server.port: 8080 -> 9090  # app.yaml:2:3"]
        save(local, "[server\n")
        rejected = p.stdout.readline()
        assert "rejected from app.local.toml" in rejected and "app.local.toml:1:" in rejected, rejected
        out, err = interrupt(p)
    assert p.returncode == 0, err
    assert "hunter2" not in out + err and "swordfish" not in out + err
    assert "Traceback" not in err


def test_cli_watch_takes_the_deployment_sources(tmp_path):
    # --env-file and --secrets-dir are watched like the files: a changed
    # .env or secret file prints its change, the secret masked.
    (tmp_path / "app.yaml").write_text("server:\n  port: 8080\n")
    (tmp_path / ".env").write_text("APP_SERVER__HOST=a\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "db__password").write_text("hunter2\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("APP_")}
    with running([sys.executable, "-m", "gocfg", "watch", "app.yaml", "--env-prefix", "APP", "--env-file", ".env",
               "--secrets-dir", "secrets", "--debounce", "0.02"], tmp_path, env=env) as p:
        assert "watching" in p.stderr.readline()
        save(tmp_path / ".env", "APP_SERVER__HOST=b\n")
        head = p.stdout.readline()
        assert "applied" in head and "1 change" in head, head
        change = p.stdout.readline().strip()
        assert change == '~ server.host: "a" -> "b"  # .env:1:1', change
        save(secrets / "db__password", "swordfish\n")
        head = p.stdout.readline()
        assert "applied" in head and "1 change" in head, head
        change = p.stdout.readline().strip()
        assert change.startswith("~ db.password: ******** -> ********"), change
        out, err = interrupt(p)
    assert p.returncode == 0, err
    assert "hunter2" not in out + err and "swordfish" not in out + err


def test_cli_watch_of_a_bad_file_fails_at_once(tmp_path):
    (tmp_path / "bad.json").write_text("{")
    p = subprocess.run([sys.executable, "-m", "gocfg", "watch", "bad.json"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=WAIT)
    assert p.returncode == 1 and "bad.json:" in p.stderr


SCRIPT = textwrap.dedent(r"""
    import sys, gocfg
    cfg = gocfg.load(sys.argv[1], watch=True, debounce=0.02)
    cfg.on_change(lambda ev: None)
    if sys.argv[2] == "wait":
        try:
            stream = cfg.changes()
            print("ready", flush=True)  # inside the try: Ctrl-C may come at once
            for ev in stream:
                pass
        except KeyboardInterrupt:
            print("interrupted", cfg.watching, flush=True)
            cfg.close()
            print("closed", gocfg.stats()["live_handles"], flush=True)
    else:
        print("ready", flush=True)  # and exit with the Config still watched
""")


def test_ctrl_c_in_changes_of_a_script(tmp_path):
    (tmp_path / "a.json").write_text('{"x": 1}')
    with running([sys.executable, "-c", SCRIPT, "a.json", "wait"], tmp_path) as p:
        assert p.stdout.readline().strip() == "ready"
        out, err = interrupt(p)
    assert p.returncode == 0, err
    assert out.split("\n")[:2] == ["interrupted True", "closed 0"], out + err


def test_interpreter_exits_with_a_watched_config(tmp_path):
    (tmp_path / "a.json").write_text('{"x": 1}')
    p = subprocess.run([sys.executable, "-c", SCRIPT, "a.json", "exit"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=WAIT)
    assert p.returncode == 0 and p.stdout == "ready\n" and p.stderr == "", p.stderr


UNWATCHABLE_DIRECTORY = r'''
import os, sys, time, gocfg

conf = os.path.join(sys.argv[1], "conf")
path = os.path.join(conf, "app.json")
gocfg.load(path, watch=True).close()  # the library and every module this needs, loaded
if os.geteuid() == 0:
    # Root reads any directory: the rest runs as an ordinary user.
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
cfg = gocfg.load(path, watch=True, debounce=0.05)
kinds = []
cfg.on_error(lambda event: kinds.append(event.kind))


def wait(what, until):
    deadline = time.monotonic() + 60  # a bound against a hang, never what is tested
    while not until():
        if time.monotonic() > deadline:
            sys.exit(f"{what}: never came (config {cfg.to_dict()}, events {kinds})")
        time.sleep(0.02)


# The directory goes, and comes back before its mode is set: made without
# the read permission that watching it needs, as a deploy step made by
# another user (or with a umask) leaves it until its chmod or chown.
for name in os.listdir(conf):
    os.unlink(os.path.join(conf, name))
os.rmdir(conf)
os.mkdir(conf, 0o300)
wait("the failure to watch it", lambda: "failed" in kinds)
os.chmod(conf, 0o700)
with open(path, "w") as f:
    f.write('{"v": 2}')
wait("the file written once the directory could be watched", lambda: cfg.get("v") == 2)
tmp = path + ".tmp"
with open(tmp, "w") as f:
    f.write('{"v": 3}')
os.replace(tmp, path)
wait("a later save", lambda: cfg.get("v") == 3)
cfg.close()
print("ok")
'''


def test_a_directory_that_could_not_be_watched_is_watched_once_its_mode_allows():
    # Outside pytest's temporary folder, which only root may enter.
    work = tempfile.mkdtemp(prefix="gocfg-unwatchable-")
    try:
        conf = os.path.join(work, "conf")
        os.mkdir(conf)
        with open(os.path.join(conf, "app.json"), "w") as f:
            f.write('{"v": 1}')
        if os.geteuid() == 0:
            for p in (work, conf, os.path.join(conf, "app.json")):
                os.chown(p, 65534, 65534)
        proc = subprocess.run([sys.executable, "-c", UNWATCHABLE_DIRECTORY, work], capture_output=True, text=True,
                              timeout=WAIT * 3)
        assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


STUCK_CALLBACKS = r'''
import os, sys, threading, time, gocfg
from gocfg import live

started = []
never = threading.Event()


def stuck(event):
    started.append(event)
    never.wait()  # a callback that does not return while the interpreter exits


cfgs = []
for i in range(4):
    path = os.path.join(sys.argv[1], f"a{i}.json")
    with open(path, "w") as f:
        f.write('{"x": 1}')
    cfg = gocfg.load(path, watch=True, debounce=0.02)
    cfg.on_change(stuck)
    cfgs.append(cfg)
    with open(path + ".tmp", "w") as f:
        f.write('{"x": 2}')
    os.replace(path + ".tmp", path)
deadline = time.monotonic() + 60  # a bound against a hang, never what is tested
while len(started) < 4:
    if time.monotonic() > deadline:
        sys.exit(f"the callbacks did not all start: {len(started)}")
    time.sleep(0.02)

# What the exit waits for, counted: each watcher thread that a callback holds.
live._JOIN_TIMEOUT = 0.5
joins = []
join = threading.Thread.join


def counting(self, timeout=None):
    if self.name == "gocfg-watch":
        joins.append(timeout)
    return join(self, timeout)


threading.Thread.join = counting
live._stop_all()  # what the interpreter's exit runs
print(len(joins), [c.watching for c in cfgs])
'''


def test_exit_waits_for_stuck_callbacks_once_for_all_watchers(tmp_path):
    # The exit stopped the watchers one after the other, waiting up to 10 s
    # for each one whose callback was still running: 4 such watchers held
    # the exit for 40 s (20 for 200 s). All are told to stop first, then
    # waited for together, up to one timeout in all: once it has passed,
    # no further watcher is waited for.
    p = subprocess.run([sys.executable, "-c", STUCK_CALLBACKS, str(tmp_path)], capture_output=True, text=True,
                       timeout=WAIT)
    assert p.returncode == 0 and p.stdout == "1 [False, False, False, False]\n", (p.stdout, p.stderr)
