"""Print how python-dotenv reads .env files, as JSON, one line per file.

Usage: python3 dotenv_dump.py FILE...

Checked with python-dotenv 1.2.4 (earlier releases read "A= #x" as "#x").
Uses dotenv_values (interpolation on, the file's values before the
environment), with an environment holding only GOCFG_TEST_ENV=from-env.
A line python-dotenv cannot parse makes it warn and skip the line; that is
reported as {"error": "..."} so tests see it. The Go tests compare envfmt
with this output (TestMatchesPythonDotenv).
"""

import io
import json
import logging
import os
import sys

from dotenv import dotenv_values


class Catch(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


catch = Catch()
logging.getLogger("dotenv.main").addHandler(catch)
logging.getLogger("dotenv.main").propagate = False
os.environ.clear()
os.environ["GOCFG_TEST_ENV"] = "from-env"
for path in sys.argv[1:]:
    catch.messages.clear()
    # read as dotenv_values(path) reads a file: universal newlines
    with open(path, encoding="utf-8") as f:
        values = dotenv_values(stream=io.StringIO(f.read()))
    if catch.messages:
        print(json.dumps({"error": catch.messages[0]}))
    else:
        print(json.dumps(dict(values), ensure_ascii=False))
