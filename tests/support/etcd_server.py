"""A real etcd server for the tests: loopback ports, a temporary data dir.

The server binary is, in order: $GOCFG_ETCD (a path, or "launcher" to use
the launcher below even when etcd is installed); an `etcd` on PATH; else
tests/support/etcdserver, a small Go program in a module
of its own that serves etcd in-process through etcd's embed package, at the
release the library's client is pinned to. It is built once with `go build`
(the Go module proxy is the only thing it needs) into a cache folder
($GOCFG_TEST_CACHE, else $XDG_CACHE_HOME/gocfg-test, else ~/.cache/gocfg-test)
under a name derived from its sources, and reused by later runs and by the Go
tests (gocore/db/internal/dbtest resolves the same binary the same way).
Both suites start it with the same etcd flags, which the real binary and the
launcher accept alike.

EtcdServer starts one single-member cluster, can stop and start it again
with its data (for the outage tests), kill, freeze and thaw it (SIGKILL,
SIGSTOP, SIGCONT), turn authentication on, and speak TLS
with certificates from a throw-away CA made by make_certs() (with Go's crypto
packages, the way gocore/db/internal/dbtest does, so no extra Python package
is needed). EtcdCluster starts several such members as one cluster (the
cluster fault tests, tests/support/cluster_faults.py).

Usable on its own too: ``python tests/support/etcd_server.py`` starts a
server and prints its URL until Ctrl-C (handy for bench/db_bench.py);
``--ensure`` only finds or builds the binary and says which it is.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

LAUNCHER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "etcdserver")

# What obtaining etcd did, said once: the test run's summary prints these
# (see tests/conftest.py), and --ensure prints them.
NOTES: List[str] = []
_resolved: Optional[str] = None
_failure: Optional[str] = None


def cache_dir() -> str:
    base = os.environ.get("GOCFG_TEST_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "gocfg-test")
    return base


def launcher_path() -> str:
    """Where the built launcher lives: named after the etcd release and a
    hash of its sources, so a changed launcher is rebuilt, never reused.
    dbtest.launcherPath in Go computes the same name."""
    h = hashlib.sha256()
    for name in ("go.mod", "go.sum", "main.go"):
        with open(os.path.join(LAUNCHER_DIR, name), "rb") as f:
            h.update(f.read())
    return os.path.join(cache_dir(), f"etcdserver-{launcher_etcd_version()}-{h.hexdigest()[:12]}")


def launcher_etcd_version() -> str:
    with open(os.path.join(LAUNCHER_DIR, "go.mod")) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "require" and parts[1] == "go.etcd.io/etcd/server/v3":
                return parts[2]
    return "unknown"


def _build_launcher(out: str) -> None:
    go = shutil.which("go")
    if go is None:
        raise RuntimeError("no etcd on PATH, and building the test server (tests/support/etcdserver) needs Go on PATH")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # One build at a time, across processes (pytest and go test may ask at
    # once); whoever waited finds the binary made.
    with open(os.path.join(os.path.dirname(out), "build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(out):
            return
        start = time.monotonic()
        tmp = f"{out}.tmp{os.getpid()}"
        proc = subprocess.run([go, "build", "-trimpath", "-o", tmp, "."], cwd=LAUNCHER_DIR,
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"building the etcd test server failed:\n{proc.stderr[-3000:]}")
        os.replace(tmp, out)
        NOTES.append(f"etcd: none on PATH; built the etcd {launcher_etcd_version()} test server "
                     f"(tests/support/etcdserver) into {out} in {time.monotonic() - start:.0f} s; later runs reuse it")


def etcd_binary() -> str:
    """The etcd server binary to run, found or built on first use."""
    global _resolved, _failure
    if _resolved:
        return _resolved
    if _failure:
        raise RuntimeError(_failure)
    explicit = os.environ.get("GOCFG_ETCD")
    installed = None if explicit == "launcher" else shutil.which("etcd")
    try:
        if explicit and explicit != "launcher":
            _resolved = explicit
            NOTES.append(f"etcd: {explicit} (GOCFG_ETCD)")
        elif installed:
            _resolved = installed
            NOTES.append(f"etcd: {installed}")
        else:
            out = launcher_path()
            if os.access(out, os.X_OK):
                why = "GOCFG_ETCD=launcher" if explicit == "launcher" else "none on PATH"
                NOTES.append(f"etcd: {why}; using the etcd {launcher_etcd_version()} test server built earlier, {out}")
            else:
                _build_launcher(out)
            _resolved = out
    except Exception as e:
        _failure = f"the etcd tests could not obtain an etcd server: {e}"
        raise RuntimeError(_failure) from None
    return _resolved


def have_etcd() -> bool:
    """Whether an etcd server can be had (found, or built now)."""
    try:
        etcd_binary()
        return True
    except RuntimeError:
        return False


def missing() -> str:
    """Why have_etcd() said no."""
    return _failure or "no etcd server"


def __getattr__(name: str) -> str:
    # MISSING was a constant when etcd had to be installed by hand; its
    # users (tests/api/test_database.py, bench/db_bench.py) now get the reason.
    if name == "MISSING":
        return missing()
    raise AttributeError(name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TLSFiles:
    """Server-side TLS: the server's certificate and key, and the CA its
    clients' certificates must chain to (with client_cert_auth)."""

    cert: str
    key: str
    ca: str
    client_cert_auth: bool = True
    # What the server's own health checks present (a client cert of the CA).
    client_cert: Optional[str] = None
    client_key: Optional[str] = None


class EtcdServer:
    """One etcd member on free loopback ports with its data under base_dir."""

    def __init__(self, base_dir: str, tls: Optional[TLSFiles] = None,
                 extra_args: Optional[List[str]] = None, *, name: str = "n0",
                 heartbeat_ms: int = 10, election_ms: int = 100) -> None:
        self.dir = tempfile.mkdtemp(prefix="etcd-", dir=base_dir)
        self.tls = tls
        self.extra_args = list(extra_args or [])
        self.name = name
        self.heartbeat_ms = heartbeat_ms
        self.election_ms = election_ms
        self.client_port = 0
        self.peer_port = 0
        # Set by EtcdCluster for a member of a larger cluster: the
        # --initial-cluster list (name=peerURL,...) and the cluster's token.
        self.initial_cluster: Optional[str] = None
        self.cluster_token: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self.paused = False
        self._log: Any = None

    # ------------------------------------------------------------ addresses

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.client_port}"

    def url(self, prefix: str = "gocfg") -> str:
        """An etcd:// URL for gocfg.Database with the given key prefix."""
        return f"etcd://{self.endpoint}/{prefix.lstrip('/')}"

    @property
    def peer_url(self) -> str:
        # Peers always talk plain HTTP: the TLS tests are about the client
        # side, and the members are on loopback.
        return f"http://127.0.0.1:{self.peer_port}"

    def _client_url(self) -> str:
        return ("https://" if self.tls else "http://") + self.endpoint

    # ------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 30.0) -> "EtcdServer":
        """Start the server (again, with the same ports and data after a
        stop) and wait until it answers. On first start, ports are picked
        afresh up to three times in case another process took one."""
        binary = etcd_binary()
        if self.proc is not None:
            raise RuntimeError("etcd is already running")
        fresh = self.client_port == 0
        last: Optional[Exception] = None
        for _ in range(3 if fresh else 1):
            if fresh:
                self.client_port = free_port()
                self.peer_port = free_port()
                while self.peer_port == self.client_port:
                    self.peer_port = free_port()
            try:
                self._spawn(binary)
                self._wait_healthy(timeout)
                return self
            except Exception as e:  # a port race, or a slow machine
                last = e
                self.stop()
                shutil.rmtree(os.path.join(self.dir, "data"), ignore_errors=True)
        raise RuntimeError(f"etcd did not come up: {last}\n{self.log_tail()}")

    def _spawn(self, binary: str) -> None:
        # The same flags as dbtest.(*Etcd).Start in Go: keep the two in step.
        peer = self.peer_url
        args = [
            binary,
            "--name", self.name,
            "--data-dir", os.path.join(self.dir, "data"),
            "--listen-client-urls", self._client_url(),
            "--advertise-client-urls", self._client_url(),
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", self.initial_cluster or f"{self.name}={peer}",
            "--initial-cluster-state", "new",
            "--heartbeat-interval", str(self.heartbeat_ms),
            "--election-timeout", str(self.election_ms),
            "--logger", "zap",
            "--log-outputs", "stderr",
            "--log-level", "warn",
            *self.extra_args,
        ]
        if self.cluster_token:
            args += ["--initial-cluster-token", self.cluster_token]
        if self.tls is not None:
            args += ["--cert-file", self.tls.cert, "--key-file", self.tls.key,
                     "--trusted-ca-file", self.tls.ca]
            if self.tls.client_cert_auth:
                args.append("--client-cert-auth")
        # Take the server down with the test process, whatever happens to it
        # (setpriv is in util-linux; without it the fixtures' stop() does).
        setpriv = shutil.which("setpriv")
        if setpriv:
            args = [setpriv, "--pdeathsig", "KILL", "--", *args]
        self._log = open(os.path.join(self.dir, "etcd.log"), "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def _ssl_context(self) -> Optional[ssl.SSLContext]:
        if self.tls is None:
            return None
        ctx = ssl.create_default_context(cafile=self.tls.ca)
        if self.tls.client_cert:
            ctx.load_cert_chain(self.tls.client_cert, self.tls.client_key)
        return ctx

    def _request(self, path: str, body: Optional[Dict[str, Any]] = None,
                 token: Optional[str] = None, timeout: float = 15.0) -> Dict[str, Any]:
        # Generous: enabling auth makes etcd hash passwords with bcrypt, which
        # takes seconds on a busy 2-core machine.
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self._client_url() + path, data=data)
        if token:
            req.add_header("Authorization", token)
        with urllib.request.urlopen(req, timeout=timeout, context=self._ssl_context()) as resp:
            return json.loads(resp.read() or b"{}")

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.proc.returncode}")
            try:
                if self._request("/health", timeout=1.0).get("health") == "true":
                    return
            except urllib.error.HTTPError as e:  # 503 until a leader is elected
                last = e
            except (OSError, ValueError) as e:
                last = e
            time.sleep(0.05)
        raise RuntimeError(f"no answer within {timeout}s: {last}")

    def spawn(self) -> None:
        """Start the process without waiting for it to answer (a member of a
        larger cluster answers only once a quorum runs)."""
        if self.proc is not None:
            raise RuntimeError("etcd is already running")
        self._spawn(etcd_binary())

    def wait_healthy(self, timeout: float = 30.0) -> None:
        self._wait_healthy(timeout)

    def kill(self) -> None:
        """SIGKILL the server, as a crash would; its data stays for a restart."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.paused = False
        if self._log is not None:
            self._log.close()
            self._log = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): its connections stay open but nothing
        answers, like a member cut off by a partition or stalled by the
        machine."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        """Undo pause() (SIGCONT)."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)
        self.paused = False

    def status(self, timeout: float = 2.0) -> Dict[str, Any]:
        """etcd's maintenance status of this member (its member_id under
        "header", the leader's id under "leader"), through the JSON gateway."""
        return self._request("/v3/maintenance/status", {}, timeout=timeout)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it."""
        proc, self.proc = self.proc, None
        if proc is not None and self.paused and proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)  # a stopped process ignores SIGTERM
        self.paused = False
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def remove(self) -> None:
        """Stop the server and delete its directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, n: int = 3000) -> str:
        try:
            with open(os.path.join(self.dir, "etcd.log"), "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self) -> "EtcdServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.remove()

    # ----------------------------------------------------------------- auth

    def enable_auth(self, root_password: str, users: Optional[Dict[str, str]] = None) -> None:
        """Create the root user (and the given users, with read-write access
        to every key) and turn authentication on, through etcd's JSON
        gateway (etcd 3.4: /v3/...)."""
        self._request("/v3/auth/role/add", {"name": "root"})
        self._request("/v3/auth/user/add", {"name": "root", "password": root_password})
        self._request("/v3/auth/user/grant", {"user": "root", "role": "root"})
        if users:
            self._request("/v3/auth/role/add", {"name": "rw"})
            # Every key: from "\0" to the end of the key space ("\0" as range_end).
            self._request("/v3/auth/role/grant", {"name": "rw", "perm": {
                "permType": "READWRITE", "key": _b64(b"\0"), "range_end": _b64(b"\0")}})
            for name, pw in users.items():
                self._request("/v3/auth/user/add", {"name": name, "password": pw})
                self._request("/v3/auth/user/grant", {"user": name, "role": "rw"})
        self._request("/v3/auth/enable", {})


class EtcdCluster:
    """A cluster of `size` etcd members on loopback ports, each a process
    with its own data dir under base_dir, started with the same binary and
    flags as EtcdServer (so the real etcd and the launcher both serve it).

    Heartbeat and election timeouts are 50 and 500 ms: short, so that a
    killed leader is replaced within a second, but not so short that a busy
    2-core machine keeps electing leaders when nothing failed.

    Members are addressed by index; kill(), restart(), pause() and resume()
    inject the faults, leader() finds who leads now.
    """

    def __init__(self, base_dir: str, size: int = 3, tls: Optional[TLSFiles] = None,
                 extra_args: Optional[List[str]] = None, heartbeat_ms: int = 50,
                 election_ms: int = 500) -> None:
        if size < 1:
            raise ValueError("a cluster needs at least one member")
        self.members = [EtcdServer(base_dir, tls=tls, extra_args=extra_args, name=f"m{i}",
                                   heartbeat_ms=heartbeat_ms, election_ms=election_ms)
                        for i in range(size)]
        self.token = f"gocfg-test-{os.getpid()}-{id(self):x}"
        self.ids: List[int] = []  # etcd's member id of each member, by index

    @property
    def endpoints(self) -> str:
        """host:port of every member, comma-separated, as etcd:// URLs take them."""
        return ",".join(m.endpoint for m in self.members)

    def url(self, prefix: str = "gocfg") -> str:
        return f"etcd://{self.endpoints}/{prefix.lstrip('/')}"

    def start(self, timeout: float = 60.0) -> "EtcdCluster":
        """Start every member and wait until each answers. Ports are picked
        afresh up to three times in case another process took one."""
        etcd_binary()
        last: Optional[Exception] = None
        for _ in range(3):
            taken: set = set()
            for m in self.members:
                for attr in ("client_port", "peer_port"):
                    port = free_port()
                    while port in taken:
                        port = free_port()
                    taken.add(port)
                    setattr(m, attr, port)
            cluster = ",".join(f"{m.name}={m.peer_url}" for m in self.members)
            for m in self.members:
                m.initial_cluster, m.cluster_token = cluster, self.token
            try:
                for m in self.members:
                    m.spawn()
                deadline = time.monotonic() + timeout
                for m in self.members:
                    m.wait_healthy(max(1.0, deadline - time.monotonic()))
                self.ids = [int(m.status()["header"]["member_id"]) for m in self.members]
                return self
            except Exception as e:  # a port race, or a slow machine
                last = e
                tails = "\n".join(f"--- {m.name}\n{m.log_tail(1500)}" for m in self.members)
                for m in self.members:
                    m.stop()
                    shutil.rmtree(os.path.join(m.dir, "data"), ignore_errors=True)
        raise RuntimeError(f"the etcd cluster did not come up: {last}\n{tails}")

    def leader(self, timeout: float = 30.0) -> int:
        """The index of the member that leads now, as the running, unpaused
        members agree; waits (up to timeout) while there is none."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            seen = set()
            for m in self.members:
                if m.proc is None or m.paused:
                    continue
                try:
                    seen.add(int(m.status(timeout=1.0).get("leader", 0)))
                except (OSError, ValueError, KeyError) as e:
                    last = e
            seen.discard(0)
            if len(seen) == 1:
                lead = seen.pop()
                if lead in self.ids:
                    index = self.ids.index(lead)
                    member = self.members[index]
                    if member.proc is not None and not member.paused:
                        return index
            time.sleep(0.05)
        raise RuntimeError(f"no agreed leader within {timeout}s: {last}")

    def kill(self, i: int) -> None:
        self.members[i].kill()

    def restart(self, i: int, timeout: float = 60.0) -> None:
        """Start a killed member again on its data and ports, and wait until
        it answers."""
        m = self.members[i]
        m.spawn()
        m.wait_healthy(timeout)

    def pause(self, i: int) -> None:
        self.members[i].pause()

    def resume(self, i: int) -> None:
        self.members[i].resume()

    def healthy(self, timeout: float = 60.0) -> None:
        """Wait until every running member answers."""
        deadline = time.monotonic() + timeout
        for m in self.members:
            if m.proc is not None:
                m.wait_healthy(max(1.0, deadline - time.monotonic()))

    def remove(self) -> None:
        for m in self.members:
            m.remove()

    def __enter__(self) -> "EtcdCluster":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _b64(b: bytes) -> str:
    import base64

    return base64.b64encode(b).decode()


# --------------------------------------------------------------- certificates

_CERTGEN = r'''
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	check(err)
	return n.Add(n, big.NewInt(1))
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func write(dir, name, typ string, der []byte) {
	check(os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

func newCA(dir, name string) *ca {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: name + " test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	check(err)
	cert, err := x509.ParseCertificate(der)
	check(err)
	write(dir, name+"-ca.pem", "CERTIFICATE", der)
	return &ca{cert, key}
}

func (c *ca) issue(dir, name string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	check(err)
	write(dir, name+".pem", "CERTIFICATE", der)
	kder, err := x509.MarshalECPrivateKey(key)
	check(err)
	write(dir, name+"-key.pem", "EC PRIVATE KEY", kder)
}

func main() {
	dir := os.Args[1]
	good := newCA(dir, "good")
	good.issue(dir, "server")
	good.issue(dir, "client")
	other := newCA(dir, "other")
	other.issue(dir, "stranger")
}
'''


def make_certs(dir: str) -> Dict[str, str]:
    """Make two throw-away CAs in dir: "good", which signs a server and a
    client certificate for 127.0.0.1/localhost, and "other", which signs a
    stranger's. Returns the file paths by role."""
    go = shutil.which("go")
    if go is None:
        raise RuntimeError("making test certificates needs the Go toolchain on PATH")
    src_dir = tempfile.mkdtemp(prefix="certgen-", dir=dir)
    src = os.path.join(src_dir, "certgen.go")
    with open(src, "w") as f:
        f.write(_CERTGEN)
    env = dict(os.environ, GO111MODULE="on", GOFLAGS="-mod=mod")
    proc = subprocess.run([go, "run", src, dir], cwd=src_dir, env=env, capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"generating certificates failed: {proc.stderr}")
    p = lambda name: os.path.join(dir, name)  # noqa: E731
    return {
        "ca": p("good-ca.pem"), "other_ca": p("other-ca.pem"),
        "server_cert": p("server.pem"), "server_key": p("server-key.pem"),
        "client_cert": p("client.pem"), "client_key": p("client-key.pem"),
        "stranger_cert": p("stranger.pem"), "stranger_key": p("stranger-key.pem"),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--ensure"]:
        try:
            etcd_binary()
        except RuntimeError as e:
            sys.exit(str(e))
        print("\n".join(NOTES))
        sys.exit(0)
    base = tempfile.mkdtemp(prefix="gocfg-etcd-")
    with EtcdServer(base, extra_args=["--max-request-bytes", str(16 << 20)]) as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    shutil.rmtree(base, ignore_errors=True)
