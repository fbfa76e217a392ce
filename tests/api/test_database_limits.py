"""The Database's bounds and failure kinds through the Python API: the size
limit per config (with its figure in the message), damaged storage as a
FileError, and a watch racing close() as ClosedError."""
from __future__ import annotations

import threading

import gocfg
import pytest


def test_a_config_over_the_size_limit_is_refused_naming_the_limit(tmp_path, no_leaks):
    url = f"sqlite://{tmp_path}/s.db?max_config_bytes=4096"
    with gocfg.Database.open(url) as db:
        db.save("small", {"v": "x" * 1000})
        with pytest.raises(gocfg.InvalidArgumentError, match="4096|4 KiB|4.0 KiB") as info:
            db.save("big", {"v": "x" * 10_000})
        assert "max_config_bytes" in str(info.value)
        assert db.names() == ["small"]
        with db.load("small") as cfg:
            assert cfg["v"] == "x" * 1000


def test_a_large_config_round_trips_on_sqlite(tmp_path, no_leaks):
    data = {f"svc{i}": {"host": f"h{i}.example", "port": 1000 + i, "tags": ["a", "b"]} for i in range(40_000)}
    with gocfg.Database.open(f"sqlite://{tmp_path}/l.db") as db:
        db.save("large", data)
        with db.load("large") as cfg:
            assert cfg.to_dict() == data


def test_damaged_storage_is_a_file_error(tmp_path, no_leaks):
    path = tmp_path / "d.db"
    with gocfg.Database.open(f"sqlite://{path}") as db:
        for i in range(50):
            db.save(f"n{i}", {"v": "y" * 2000, "i": i})
    raw = bytearray(path.read_bytes())
    # Overwrite every page after the first (the header page stays, so the
    # file still opens as SQLite) with garbage.
    page = int.from_bytes(raw[16:18], "big") or 65536
    for off in range(page, len(raw)):
        raw[off] = 0xA5
    path.write_bytes(bytes(raw))
    with pytest.raises(gocfg.FileError):
        with gocfg.Database.open(f"sqlite://{path}") as db:
            db.load("n7").close()


def test_watch_racing_close_is_a_closed_error(tmp_path):
    for i in range(40):
        db = gocfg.Database.open(f"sqlite://{tmp_path}/w{i}.db")
        errors: list = []
        started = threading.Event()

        def watcher() -> None:
            started.set()
            try:
                with db.watch("", timeout=5.0) as w:
                    for _ in w:
                        pass
            except gocfg.ClosedError:
                pass
            except BaseException as e:  # anything else is the bug
                errors.append(e)

        t = threading.Thread(target=watcher)
        t.start()
        started.wait()
        db.close()
        t.join(30)
        assert not t.is_alive()
        assert errors == [], errors


def test_a_small_bound_loads_back_what_it_saved(tmp_path):
    # Below zstd's own window sizes, a config within max_config_bytes was
    # stored compressed and then refused as damaged when loaded.
    with gocfg.Database.open(f"sqlite:{tmp_path / 'c.db'}?max_config_bytes=1000") as db:
        db.save("x", {"a": "gocfg " * 150})
        assert db.load("x")["a"] == "gocfg " * 150
        with pytest.raises(gocfg.InvalidArgumentError, match="over the database's limit of 1000 bytes"):
            db.save("x", {"a": "gocfg " * 170})
