package dbtest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// The etcd server binary, shared with tests/support/etcd_server.py and
// resolved the same way: $GOCFG_ETCD (a path, or "launcher" to use the
// launcher even when etcd is installed); an etcd on PATH; else the launcher
// in tests/support/etcdserver (its own Go module, etcd's embed package at
// the client's release), built once into a cache folder under a name
// derived from its sources and reused by both suites. Both start it with
// the same etcd flags.
var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// SkipEtcd is the message of tests skipped for want of a server.
const SkipEtcd = "etcd tests need an etcd server: none on PATH, and tests/support/etcdserver was not found to build one"

// HaveEtcd reports whether an etcd server can be had: one is installed, or
// the launcher's sources are there to build it. A build that fails is
// reported by StartEtcd, failing the test rather than skipping it.
func HaveEtcd() bool {
	if e := os.Getenv("GOCFG_ETCD"); (e != "" && e != "launcher") || installedEtcd() != "" {
		return true
	}
	_, err := launcherDir()
	return err == nil
}

func installedEtcd() string {
	if os.Getenv("GOCFG_ETCD") == "launcher" {
		return ""
	}
	if p, err := exec.LookPath("etcd"); err == nil {
		return p
	}
	return ""
}

// EtcdBinary returns the server binary, building the launcher on first use.
func EtcdBinary() (string, error) {
	binaryOnce.Do(func() { binaryPath, binaryErr = resolveBinary() })
	return binaryPath, binaryErr
}

func resolveBinary() (string, error) {
	if p := os.Getenv("GOCFG_ETCD"); p != "" && p != "launcher" {
		return p, nil
	}
	if p := installedEtcd(); p != "" {
		return p, nil
	}
	dir, err := launcherDir()
	if err != nil {
		return "", err
	}
	out, err := launcherPath(dir)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(out); err == nil && fi.Mode()&0o111 != 0 {
		return out, nil
	}
	return out, buildLauncher(dir, out)
}

// launcherDir finds tests/support/etcdserver above the working directory
// (go test runs in the package's folder, inside the repository).
func launcherDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "tests", "support", "etcdserver")
		if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("tests/support/etcdserver not found above " + wd)
		}
	}
}

func cacheDir() string {
	if d := os.Getenv("GOCFG_TEST_CACHE"); d != "" {
		return d
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "gocfg-test")
}

// launcherPath is the built launcher's name: the etcd release and a hash of
// the sources (as etcd_server.launcher_path computes it in Python).
func launcherPath(dir string) (string, error) {
	h := sha256.New()
	version := "unknown"
	for _, name := range []string{"go.mod", "go.sum", "main.go"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		h.Write(b)
		if name == "go.mod" {
			for _, line := range strings.Split(string(b), "\n") {
				f := strings.Fields(line)
				if len(f) >= 3 && f[0] == "require" && f[1] == "go.etcd.io/etcd/server/v3" {
					version = f[2]
				}
			}
		}
	}
	return filepath.Join(cacheDir(), fmt.Sprintf("etcdserver-%s-%x", version, h.Sum(nil)[:6])), nil
}

// buildLauncher builds the launcher into out, one build at a time across
// processes (pytest and go test may ask at once).
func buildLauncher(dir, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(out), "build.lock"), os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return nil
	}
	start := time.Now()
	tmp := fmt.Sprintf("%s.tmp%d", out, os.Getpid())
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the etcd test server in %s: %v\n%s", dir, err, b)
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "etcd: none on PATH; built the etcd test server (tests/support/etcdserver) into %s in %.0f s\n",
		out, time.Since(start).Seconds())
	return nil
}

// Etcd is one etcd server on loopback ports, with its data in a directory
// of its own. It survives Stop and Start with its data.
type Etcd struct {
	Dir        string
	ClientPort int
	PeerPort   int

	mu  sync.Mutex
	cmd *exec.Cmd
	log *os.File
	// exited is closed when the current process has been waited for.
	exited chan struct{}
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartEtcd starts a one-member cluster in a new directory under dir and
// waits until it answers. A port taken by someone else between choosing it
// and binding it makes the server exit: then it tries other ports.
func StartEtcd(dir string) (*Etcd, error) {
	var err error
	for range 3 {
		var e *Etcd
		if e, err = startEtcd(dir); err == nil {
			return e, nil
		}
	}
	return nil, err
}

func startEtcd(dir string) (*Etcd, error) {
	cp, err := FreePort()
	if err != nil {
		return nil, err
	}
	pp, err := FreePort()
	if err != nil {
		return nil, err
	}
	for pp == cp {
		if pp, err = FreePort(); err != nil {
			return nil, err
		}
	}
	d, err := os.MkdirTemp(dir, "etcd-")
	if err != nil {
		return nil, err
	}
	e := &Etcd{Dir: d, ClientPort: cp, PeerPort: pp}
	if err := e.Start(); err != nil {
		os.RemoveAll(d)
		return nil, err
	}
	return e, nil
}

// Endpoint is host:port of the client port.
func (e *Etcd) Endpoint() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(e.ClientPort)) }

// URL is an etcd:// URL for gocore/db with the given key prefix.
func (e *Etcd) URL(prefix string) string {
	return "etcd://" + e.Endpoint() + "/" + strings.TrimPrefix(prefix, "/")
}

// Start runs the server (again) and waits until it answers.
func (e *Etcd) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cmd != nil {
		return errors.New("etcd is already running")
	}
	peer := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(e.PeerPort))
	// The same flags as EtcdServer._spawn in tests/support/etcd_server.py.
	args := []string{
		"--name", "n0",
		"--data-dir", filepath.Join(e.Dir, "data"),
		"--listen-client-urls", e.clientURL(),
		"--advertise-client-urls", e.clientURL(),
		"--listen-peer-urls", peer,
		"--initial-advertise-peer-urls", peer,
		"--initial-cluster", "n0=" + peer,
		"--initial-cluster-state", "new",
		"--heartbeat-interval", "10",
		"--election-timeout", "100",
		"--logger", "zap",
		"--log-outputs", "stderr",
		"--log-level", "warn",
	}
	logf, err := os.OpenFile(filepath.Join(e.Dir, "etcd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	bin, err := EtcdBinary()
	if err != nil {
		logf.Close()
		return fmt.Errorf("no etcd server: %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Take the server down with the test binary, whatever happens to it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	e.cmd, e.log = cmd, logf
	exited := make(chan struct{})
	e.exited = exited
	go func() { cmd.Wait(); close(exited) }()
	if err := e.waitHealthy(exited, 20*time.Second); err != nil {
		e.stopLocked()
		return fmt.Errorf("etcd did not come up: %v\n%s", err, e.logTail())
	}
	return nil
}

func (e *Etcd) logTail() string {
	b, _ := os.ReadFile(filepath.Join(e.Dir, "etcd.log"))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

func (e *Etcd) clientURL() string { return "http://" + e.Endpoint() }

// Client connects to the server.
func (e *Etcd) Client() (*clientv3.Client, error) {
	cfg := clientv3.Config{
		Endpoints:   []string{e.clientURL()},
		DialTimeout: 2 * time.Second,
		Logger:      zap.NewNop(),
	}
	return clientv3.New(cfg)
}

func (e *Etcd) waitHealthy(exited chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the server exited")
		default:
		}
		last = e.ping()
		if last == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no answer within %v: %v", limit, last)
}

func (e *Etcd) ping() error {
	cli, err := e.Client()
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = cli.Get(ctx, "health")
	return err
}

// Stop terminates the server and waits for it.
func (e *Etcd) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
}

func (e *Etcd) stopLocked() {
	if e.cmd == nil {
		return
	}
	e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(10 * time.Second):
		e.cmd.Process.Kill()
		<-e.exited
	}
	e.log.Close()
	e.cmd, e.log = nil, nil
}

// Remove stops the server and deletes its directory.
func (e *Etcd) Remove() {
	e.Stop()
	os.RemoveAll(e.Dir)
}
