#!/usr/bin/env bash
# gocfg on a free-threaded CPython (3.14t), where threads run Python in
# parallel: builds that interpreter once, installs gocfg from source into a
# venv of it (both extensions built for cp314t: that build has no Limited
# API), then runs the API tests and the benchmark's thread rows there.
# Not part of scripts/check: the interpreter's build takes about 15 min on
# 2 cores the first time (kept in $GOCFG_TEST_CACHE, ~/.cache/gocfg-test).
#
#   scripts/freethreaded.sh            # tests (tests/api, without etcd) and bench
#   scripts/freethreaded.sh -k thread  # arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
version=${GOCFG_FT_PYTHON:-3.14.7}
cache=${GOCFG_TEST_CACHE:-$HOME/.cache/gocfg-test}
prefix=$cache/cpython-${version}t
python=$prefix/bin/python${version%.*}t

if [ ! -x "$python" ]; then
  echo "== building CPython $version with --disable-gil into $prefix"
  # The source is CPython's git tag as the Go module proxy serves it (go is
  # needed here anyway; the zip is checked against the Go checksum
  # database). A zip keeps no file modes: the scripts are made executable.
  dir=$(go mod download -json "github.com/python/cpython@v$version+incompatible" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  src=$(mktemp -d)
  trap 'rm -rf "$src"' EXIT
  cp -r "$dir/." "$src"
  chmod -R u+w "$src"
  chmod +x "$src/configure" "$src/install-sh"
  find "$src" -name '*.sh' -exec chmod +x {} +
  mkdir -p "$cache"
  log=$cache/cpython-${version}t-build.log
  if ! (cd "$src" && ./configure --disable-gil --prefix="$prefix" --without-ensurepip &&
          make -j"$(nproc)" && make install) >"$log" 2>&1; then
    tail -n 30 "$log"
    echo "CPython's build failed: $log" >&2
    exit 1
  fi
fi

venv=$cache/venv-${version}t
echo "== gocfg into $venv"
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q '.[test]'
"$venv/bin/python" -c 'import sys; assert not sys._is_gil_enabled(), "the GIL is on"'

echo "== pytest tests/api on $("$venv/bin/python" -VV)"
"$venv/bin/python" -m pytest tests/api -q -p no:cacheprovider -m "not etcd" "$@"

echo "== bench: threads"
"$venv/bin/python" bench/run.py --quick --only threads
