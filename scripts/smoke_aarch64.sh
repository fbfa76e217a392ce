#!/usr/bin/env bash
# Runs the aarch64 wheel for real, under emulation: a Debian arm64 root made
# with debootstrap, entered through qemu-user-static and binfmt_misc, with
# its own python3 and pip. The wheel is installed there with pip (no Go, no C
# compiler inside the root) and a smoke test loads, reads and saves files,
# round-trips a Database on SQLite and runs the CLI.
#
#   scripts/smoke_aarch64.sh [WHEEL]      default: dist/gocfg-*manylinux*aarch64.whl
#
# Needs root and Debian's packages (installed here when missing). The root
# is kept under build/arm64-root (or $GOCFG_ARM64_ROOT) and reused: the first
# run spends several minutes in debootstrap's second stage under emulation.
# Not part of the default test command: it takes minutes and root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOTFS=${GOCFG_ARM64_ROOT:-$PWD/build/arm64-root}
SUITE=${GOCFG_ARM64_SUITE:-bookworm}
MIRROR=${GOCFG_ARM64_MIRROR:-http://deb.debian.org/debian}

wheel=${1:-}
if [ -z "$wheel" ] && [ "${PREPARE_ONLY:-}" != 1 ]; then
  wheel=$(ls dist/gocfg-*manylinux*aarch64.whl 2>/dev/null | tail -n1 || true)
  [ -n "$wheel" ] || { echo "no aarch64 wheel in dist/: run scripts/release.sh first" >&2; exit 1; }
fi

if ! command -v debootstrap >/dev/null || [ ! -e /usr/bin/qemu-aarch64-static ] || ! command -v update-binfmts >/dev/null; then
  apt-get update && apt-get install -y debootstrap qemu-user-static binfmt-support
fi
# binfmt_misc runs arm64 programs through qemu; containers may need it mounted.
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64

if [ ! -e "$ROOTFS/.gocfg-ready" ]; then
  echo "== debootstrap $SUITE arm64 into $ROOTFS (first run only)"
  rm -rf "$ROOTFS"; mkdir -p "$ROOTFS"
  debootstrap --arch=arm64 --foreign --variant=minbase --include=python3,python3-venv,python3-pip \
    "$SUITE" "$ROOTFS" "$MIRROR"
  cp /usr/bin/qemu-aarch64-static "$ROOTFS/usr/bin/"
  chroot "$ROOTFS" /debootstrap/debootstrap --second-stage
  touch "$ROOTFS/.gocfg-ready"
fi
[ "${PREPARE_ONLY:-}" = 1 ] && { echo "arm64 root ready: $ROOTFS"; exit 0; }

# A fresh venv in the root for every run, so nothing from an earlier run counts.
work=/tmp/gocfg-smoke
rm -rf "$ROOTFS$work"; mkdir -p "$ROOTFS$work"
cp "$wheel" examples/quickstart.py "$ROOTFS$work/"
cat > "$ROOTFS$work/smoke.py" <<'PY'
import os, platform, subprocess, sys
import gocfg

print("machine:", platform.machine(), "python:", platform.python_version(), "libc:", " ".join(platform.libc_ver()))
print("gocfg", gocfg.__version__)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "app.yaml"), "w") as f:
    f.write("server:\n  host: example.org\n  port: 8080\ntags: [a, b]\n")
with gocfg.Config.load(os.path.join(here, "app.yaml")) as cfg:
    assert cfg["server.port"] == 8080 and cfg["tags"] == ["a", "b"], cfg.to_dict()
    cfg["server.port"] = 9090
    cfg.save(os.path.join(here, "app.toml"))
with gocfg.Config.load(os.path.join(here, "app.toml")) as cfg:
    assert cfg["server.port"] == 9090
print("load/read/save: ok")
with gocfg.Database.open("sqlite:///" + os.path.join(here, "cfg.db").lstrip("/")) as db:
    assert db.save("services/api", {"server": {"port": 8080}}) == 1
    assert db.save("services/api", {"server": {"port": 8081}}) == 2
    with db.load("services/api", revision=1) as old:
        assert old["server.port"] == 8080
    assert db.query("services/*:server.port") == [("services/api", "server.port", 8081)]
print("database on sqlite: ok")
out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "gocfg"), "get",
                      os.path.join(here, "app.toml"), "server.port"], capture_output=True, text=True, check=True)
assert out.stdout.strip() == "9090", out
ver = subprocess.run([sys.executable, "-m", "gocfg", "--version"], capture_output=True, text=True, check=True)
print("cli: ok (" + out.stdout.strip() + "; " + ver.stdout.strip() + ")")
PY
# pip inside the root reaches the package index like the host does: the
# host's resolver and CA bundle (which may hold a proxy's CA) come along.
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$ROOTFS$work/ca.crt"
echo "== smoke test of $(basename "$wheel") in the arm64 root"
chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 PIP_CERT=$work/ca.crt \
  PIP_DISABLE_PIP_VERSION_CHECK=1 /bin/sh -euc "
  cd $work
  for tool in go gcc cc clang; do
    if command -v \$tool >/dev/null 2>&1; then echo \"\$tool is on PATH in the root\" >&2; exit 1; fi
  done
  echo \"root: \$(. /etc/os-release; echo \$PRETTY_NAME), \$(uname -m), \$(python3 --version)\"
  python3 -m venv venv
  venv/bin/pip install -q ./$(basename "$wheel")
  venv/bin/python smoke.py
  venv/bin/python quickstart.py > quickstart.out
  tail -n 1 quickstart.out
  echo 'quickstart: ok'
"
echo "aarch64 smoke: passed"
