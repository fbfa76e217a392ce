"""What the fault and writer drivers share: collecting the JSON records
their child processes write, and ending a script run with its reports."""
from __future__ import annotations

import json
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Tuple


def collect_records(procs: Sequence[Tuple[subprocess.Popen, str]], timeout: float, role: str, late: str,
                    violations: List[str]) -> List[Dict[str, Any]]:
    """Wait for each child (at most timeout seconds each) and read the JSON
    record it wrote to its out file. A child still running is killed and
    reported as "<role> <out>: <late>"; one that failed is reported with the
    tail of its stderr and has no record."""
    records = []
    for p, out in procs:
        try:
            _, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            violations.append(f"{role} {out}: {late}")
        if p.returncode != 0:
            violations.append(f"{role} {out}: exit status {p.returncode}: {err.decode(errors='replace')[-2000:]}")
            continue
        with open(out) as f:
            records.append(json.load(f))
    return records


def finish(reports: List[Dict[str, Any]], json_path: Optional[str]) -> int:
    """A script's end: the reports written to json_path when given, one
    verdict line, and the exit status (1 when any report has a violation)."""
    if json_path:
        with open(json_path, "w") as f:
            json.dump(reports, f, indent=1)
    failed = any(r["violations"] for r in reports)
    print("\nFAILED: see the violations above" if failed else "\nall checks held", flush=True)
    return 1 if failed else 0
