#!/usr/bin/env python3
"""Many writer processes against one Database for a minute, nothing lost.

Starts N processes (8 by default) that each save their own few names in a
loop for --seconds (60 by default) against one SQLite file, then against
one etcd server (started here: the etcd the tests use, GOCFG_ETCD, an etcd
on PATH, or the launcher built from tests/support/etcdserver), each save a
compare-and-swap on the revision the process got last. Then every revision
is accounted for: per name, the latest revision equals the saves its writer
counted, the history is exactly 1..n, each revision loads with the sequence
number the writer saved in it, and one watch saw every revision once, in
order (tests/support/db_writers.py has the details). Prints saves/s per
backend and exits 1 if any check failed. The short version is
tests/system/test_db_writers.py.

    python scripts/db_writers.py [--seconds 60] [--processes 8] [--names 4]
        [--only sqlite|etcd] [--json report.json]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from support import db_writers, etcd_server  # noqa: E402
from support.reports import finish as reports_finish  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--names", type=int, default=4, help="names per process")
    ap.add_argument("--only", choices=["sqlite", "etcd"])
    ap.add_argument("--json", help="write the reports here")
    args = ap.parse_args()
    if args.seconds <= 0 or args.processes < 1 or args.names < 1:
        ap.error("--seconds, --processes and --names must be positive")

    base = tempfile.mkdtemp(prefix="gocfg-writers-")
    reports = []
    try:
        for backend in ("sqlite", "etcd"):
            if args.only and args.only != backend:
                continue
            work = tempfile.mkdtemp(dir=base)
            server = None
            if backend == "sqlite":
                url = f"sqlite://{os.path.join(base, 'writers.db')}"
            else:
                etcd_server.etcd_binary()
                print("\n".join(etcd_server.NOTES), flush=True)
                server = etcd_server.EtcdServer(base).start()
                url = server.url("writers")
            print(f"\n== {backend}", flush=True)
            try:
                report = db_writers.run(url, work, processes=args.processes, names_each=args.names,
                                        seconds=args.seconds, log=lambda s: print(s, flush=True))
            finally:
                if server is not None:
                    server.remove()
            report["backend"] = backend
            reports.append(report)
            print(db_writers.format_report(report), flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return reports_finish(reports, args.json)


if __name__ == "__main__":
    sys.exit(main())
