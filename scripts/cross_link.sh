#!/usr/bin/env bash
# Cross-compiles and links the Go library for macOS and Windows with Zig's C
# compiler, to prove the per-platform build logic in setup.py (library name,
# linker flags, exported symbols) links there. Only the library is built:
# the extension and the Python package are not run on these platforms.
#
#   scripts/cross_link.sh [TARGET...]   default: x86_64-macos aarch64-macos x86_64-windows-gnu
#
# Uses the release venv (requirements-release.txt, for ziglang). Not part of
# the default test command.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${GOCFG_RELEASE_VENV:-$PWD/build/release-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -m pip install -q -r requirements-release.txt
ZIG=$("$VENV/bin/python" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
targets=${*:-"x86_64-macos aarch64-macos x86_64-windows-gnu"}

# Zig carries no macOS SDK, and Apple's licence keeps its libraries out of
# any package here. Go's runtime asks for CoreFoundation, Security and
# libresolv: text stubs (.tbd) of them, with their real install names and no
# symbols, let the link finish, with the symbols left to dyld. So this checks
# our flags and that everything of ours links; symbol resolution against the
# real frameworks happens only on a Mac.
stubs=$PWD/build/macos-stubs
mkdir -p "$stubs/lib"
stub() {  # stub FILE INSTALL_NAME
  mkdir -p "$(dirname "$1")"
  printf -- "--- !tapi-tbd\ntbd-version: 4\ntargets: [ x86_64-macos, arm64-macos ]\ninstall-name: '%s'\ncurrent-version: 1\n...\n" "$2" >"$1"
}
for fw in CoreFoundation Security; do
  stub "$stubs/$fw.framework/$fw.tbd" "/System/Library/Frameworks/$fw.framework/Versions/A/$fw"
done
stub "$stubs/lib/libresolv.tbd" /usr/lib/libresolv.9.dylib
NM=$(command -v llvm-nm || command -v llvm-nm-14 || true)

status=0
for t in $targets; do
  echo "== $t"
  extra=()
  case $t in *macos*) extra=(CGO_LDFLAGS="-F$stubs -L$stubs/lib -Wl,-undefined,dynamic_lookup");; esac
  if env "${extra[@]}" GOCFG_TARGET=$t "$VENV/bin/python" setup.py -q build_golib >"build/cross-$t.log" 2>&1; then
    lib=$(ls build/golib/"$t"/*gocfg.* | grep -v '\.txt$')
    echo "  linked: $lib ($(du -h "$lib" | cut -f1)): $(file -b "$lib" | cut -c1-70)"
    case $t in
      *windows*)  # a DLL's exports are its export table, which objdump -p prints
        table=$(objdump -p "$lib" 2>/dev/null | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | grep -E '^\s+\[' || true)
        echo "  exported: $(echo "$table" | grep -c ' gocfg_' || true) gocfg_*, $(echo "$table" | grep -vc ' gocfg_' || true) others" ;;
      *) if [ -n "$NM" ]; then
           ours=$("$NM" -gU "$lib" 2>/dev/null | grep -cE ' _?gocfg_' || true)
           other=$("$NM" -gU "$lib" 2>/dev/null | grep -vcE ' _?gocfg_' || true)
           echo "  exported: $ours gocfg_*, $other others"
         fi ;;
    esac
  else
    echo "  FAILED (build/cross-$t.log):"; grep -v '^ \|^Traceback' "build/cross-$t.log" | tail -8 | sed 's/^/  /'; status=1
  fi
done
exit $status
