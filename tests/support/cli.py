"""The command line as a user runs it: ``python -m gocfg`` in a child
process of this Python, with a bound on how long it may take."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict, Optional


def run_cli(*args: Any, env: Optional[Dict[str, str]] = None, text: bool = True, timeout: float = 60,
            **kw: Any) -> subprocess.CompletedProcess:
    """Run ``python -m gocfg ARGS...`` (each argument through str) and
    capture its output, as text unless ``text=False``. ``env`` adds to this
    process's environment rather than replacing it."""
    full_env = {**os.environ, **env} if env is not None else None
    return subprocess.run([sys.executable, "-m", "gocfg", *map(str, args)], capture_output=True, text=text,
                          timeout=timeout, env=full_env, **kw)
