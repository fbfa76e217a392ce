"""Run the whole pytest suite against checked builds of the library.

    python tests/checked_builds.py [race|cgocheck2 ...]

For each variant, libgocfg.so is rebuilt with the Go race detector
(-race) or with GOEXPERIMENT=cgocheck2 (which checks every pointer that
crosses cgo), placed beside a copy of the installed package, and the suite
runs with that copy first on PYTHONPATH (child processes inherit it).
Exits non-zero if any variant's suite fails.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.variants import ROOT, build_variant  # noqa: E402

VARIANTS = {
    "race": (["-race"], {}),
    "cgocheck2": ([], {"GOEXPERIMENT": "cgocheck2"}),
}

# Tests that do not exercise the library variant at all: those that build
# the package from source (marker `build`).
NOT_ABOUT_THE_LIBRARY = ["-m", "not build"]


def loads(env: dict) -> subprocess.CompletedProcess:
    """Can a Python process load this variant at all?"""
    return subprocess.run([sys.executable, "-c", "import gocfg; gocfg.Config({'a': 1}).close()"],
                          env=env, capture_output=True, text=True, timeout=120)


def main(names: list) -> int:
    failed = []
    for name in names or list(VARIANTS):
        goflags, env_extra = VARIANTS[name]
        with tempfile.TemporaryDirectory(prefix=f"gocfg-{name}-") as tmp:
            print(f"== building the {name} variant", flush=True)
            pythonpath = build_variant(Path(tmp), goflags, env_extra)
            env = {**os.environ, "PYTHONPATH": str(pythonpath), **env_extra}
            probe = loads(env)
            if probe.returncode != 0 and "ThreadSanitizer failed to allocate" in probe.stderr:
                # The race runtime maps shadow memory at fixed addresses
                # computed from where the host process keeps its memory;
                # CPython's mappings fall outside what it can shadow, so a
                # -race c-shared library cannot start inside CPython here.
                # The export layer still meets the race detector: a Go test
                # drives every export from many goroutines under -race.
                print(f"== {name}: the race runtime cannot start inside CPython on this machine:\n"
                      f"   {probe.stderr.strip().splitlines()[-1]}\n"
                      f"== {name}: running the export layer's concurrent test under -race instead", flush=True)
                go = subprocess.run(["go", "test", "-race", "-count=1", "-tags", "gocfg_testhooks",
                                     "-run", "TestExportsConcurrently", "./gocore/capi"], cwd=ROOT)
                if go.returncode != 0:
                    failed.append(name)
                continue
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NOT_ABOUT_THE_LIBRARY]
            print(f"== pytest against the {name} variant", flush=True)
            if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
                failed.append(name)
    if failed:
        print(f"checked builds failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("checked builds passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
