"""Eight writer processes saving their own names into one Database (one
SQLite file, one etcd server) for a few seconds: nothing lost.

Every save is a compare-and-swap on the revision its process got last, so
a lost or doubled save shows as a conflict or a skipped revision; then
every revision of every name is loaded and compared with what its writer
saved, the history must be exactly 1..n and one watch must have seen every
revision once, in order (tests/support/db_writers.py). The 60 s run is
scripts/db_writers.py.
"""
from __future__ import annotations

import pytest
from support import db_writers, etcd_server

SECONDS = 3.0


@pytest.fixture(params=["sqlite", pytest.param("etcd", marks=pytest.mark.etcd)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'writers.db'}"
        return
    if not etcd_server.have_etcd():
        pytest.fail(etcd_server.missing(), pytrace=False)
    server = etcd_server.EtcdServer(str(tmp_path)).start()
    try:
        yield server.url("writers")
    finally:
        server.remove()


def test_eight_writer_processes_lose_nothing(url, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    report = db_writers.run(url, str(work), processes=8, names_each=3, seconds=SECONDS)
    print(db_writers.format_report(report))
    assert report["violations"] == []
    # A run where nobody wrote proves nothing: every writer saved, and the
    # checks looked at every revision.
    assert len(report["per_writer"]) == 8
    assert report["saves"] > 0 and report["revisions_loaded"] == report["saves"]
    assert report["events_seen"] == report["saves"]
