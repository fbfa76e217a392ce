#!/usr/bin/env bash
# Builds the release artefacts into dist/:
#   gocfg-VERSION.tar.gz                                 the sdist
#   gocfg-VERSION-cp39-abi3-manylinux2014_x86_64.whl     glibc 2.17, x86_64
#   gocfg-VERSION-cp39-abi3-manylinux2014_aarch64.whl    glibc 2.17, aarch64
# The wheels are built from the unpacked sdist, so a file missing from the
# sdist fails the release here rather than on a user's machine. Each wheel is
# compiled with Zig's C compiler for its glibc 2.17 target (see setup.py) and
# must satisfy `auditwheel show` for manylinux2014.
#
# Needs Go and Python 3.9+; everything else comes from requirements-release.txt
# into a venv of its own (build/release-venv). Run on Linux x86_64 or aarch64.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${GOCFG_RELEASE_VENV:-$ROOT/build/release-venv}
TARGETS=${GOCFG_RELEASE_TARGETS:-"x86_64-linux-gnu.2.17 aarch64-linux-gnu.2.17"}

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -m pip install -q -r requirements-release.txt
PY="$VENV/bin/python"

rm -rf dist build/release-src; mkdir -p dist build/release-src
echo "== sdist"
"$PY" -m build --sdist --no-isolation -o dist . >build/release-sdist.log 2>&1 || { tail -30 build/release-sdist.log; exit 1; }
sdist=$(ls dist/gocfg-*.tar.gz)
tar -xzf "$sdist" -C build/release-src
src=$(ls -d build/release-src/gocfg-*)

for t in $TARGETS; do
  echo "== wheel for $t (from the sdist)"
  # A build directory holds objects for one target only.
  rm -rf "$src/build"
  GOCFG_TARGET=$t "$PY" -m build --wheel --no-isolation -o "$ROOT/dist" "$src" >"build/release-$t.log" 2>&1 ||
    { tail -30 "build/release-$t.log"; exit 1; }
done

echo "== auditwheel show"
for w in dist/*.whl; do
  out=$("$VENV/bin/auditwheel" show "$w")
  echo "$out" | sed -n '1,6p' | tr -s '\n' | sed 's/^/  /'
  # auditwheel names the most compatible policy the wheel satisfies, which
  # may be older than manylinux2014 (x86_64 needs only glibc 2.5 today).
  floor=$(echo "$out" | tr '\n' ' ' | grep -Eo 'platform tag: +"manylinux_2_[0-9]+_' | grep -Eo '_2_[0-9]+' | cut -d_ -f3)
  if [ -z "$floor" ] || [ "$floor" -gt 17 ]; then
    echo "$w: auditwheel does not accept it as manylinux2014 (glibc 2.17)" >&2; exit 1
  fi
done
ls -l dist/
