#!/usr/bin/env python3
"""The long etcd cluster fault run (the short one is tests/system/test_etcd_cluster.py).

Starts a three-member etcd cluster on loopback ports (the etcd the tests
use: GOCFG_ETCD, an etcd on PATH, or the launcher built from
tests/support/etcdserver) and runs tests/support/cluster_faults.py's CAS
workers and watchers through several rounds of: SIGKILL the leader and
restart it, SIGKILL a follower and restart it, SIGSTOP the leader and then
a follower for --pause seconds (long enough, by default, for the client's
keepalive to give up on the frozen member), and a loss of quorum (two
members killed, then both restarted). Without and with TLS between client
and cluster. Prints, per phase, the saves that succeeded, the conflicts,
the saves with an unknown outcome and the failed loads, then the exact
checks; exits 1 if any check failed.

    python scripts/etcd_cluster_faults.py [--rounds 2] [--pause 20] [--workers 4]
        [--timeout 2] [--only plain|tls] [--sequence long|freeze] [--json report.json]

Needs gocfg importable (an installed or editable package), and Go for the
TLS certificates (and to build the launcher when no etcd is installed).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from support import cluster_faults, etcd_server  # noqa: E402
from support.reports import finish as reports_finish  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--pause", type=float, default=20.0, help="seconds a member stays frozen")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--watchers", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=2.0, help="the Database's timeout (seconds)")
    ap.add_argument("--only", choices=["plain", "tls"])
    ap.add_argument("--sequence", choices=["long", "freeze"], default="long",
                    help="long: every fault, --rounds times; freeze: only the leader and a follower frozen")
    ap.add_argument("--json", help="write the reports here")
    args = ap.parse_args()
    if args.rounds < 1 or args.workers < 1 or args.timeout <= 0 or args.pause <= 0:
        ap.error("--rounds, --workers, --timeout and --pause must be positive")

    etcd_server.etcd_binary()
    print("\n".join(etcd_server.NOTES), flush=True)
    base = tempfile.mkdtemp(prefix="gocfg-cluster-")
    reports = []
    try:
        for mode in ("plain", "tls"):
            if args.only and args.only != mode:
                continue
            tls, params = None, ""
            if mode == "tls":
                certs = etcd_server.make_certs(tempfile.mkdtemp(dir=base))
                tls = etcd_server.TLSFiles(cert=certs["server_cert"], key=certs["server_key"], ca=certs["ca"],
                                           client_cert=certs["client_cert"], client_key=certs["client_key"])
                params = f"?ca={certs['ca']}&cert={certs['client_cert']}&key={certs['client_key']}"
            if args.sequence == "freeze":
                steps = cluster_faults.freeze_sequence(args.timeout, pause=args.pause)
            else:
                steps = cluster_faults.long_sequence(args.timeout, rounds=args.rounds, pause=args.pause)
            print(f"\n== {mode}: {len(steps)} steps, about {sum(s for _, s in steps):.0f}s of faults", flush=True)
            t0 = time.monotonic()
            with etcd_server.EtcdCluster(base, tls=tls) as cluster:
                work = tempfile.mkdtemp(dir=base)
                report = cluster_faults.run(cluster, f"faults-{mode}", work, steps, workers=args.workers,
                                            watchers=args.watchers, timeout=args.timeout, url_params=params,
                                            log=lambda s: print(s, flush=True))
            report["mode"] = mode
            report["wall_seconds"] = round(time.monotonic() - t0, 1)
            reports.append(report)
            print(cluster_faults.format_report(report), flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return reports_finish(reports, args.json)


if __name__ == "__main__":
    sys.exit(main())
