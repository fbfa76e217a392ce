"""The command line as a user runs it: ``python -m gocfg`` in a child
process of this Python, with a bound on how long it may take."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from typing import Any, Dict, Iterator, Optional


def run_cli(*args: Any, env: Optional[Dict[str, str]] = None, text: bool = True, timeout: float = 60,
            **kw: Any) -> subprocess.CompletedProcess:
    """Run ``python -m gocfg ARGS...`` (each argument through str) and
    capture its output, as text unless ``text=False``. ``env`` adds to this
    process's environment rather than replacing it."""
    full_env = {**os.environ, **env} if env is not None else None
    return subprocess.run([sys.executable, "-m", "gocfg", *map(str, args)], capture_output=True, text=text,
                          timeout=timeout, env=full_env, **kw)


@contextlib.contextmanager
def running(args: Any, cwd: Any, **kw: Any) -> Iterator[subprocess.Popen]:
    """A process with text pipes, killed on the way out if still running
    (a failed assertion must not leave it behind), its pipes closed."""
    p = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    try:
        yield p
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
