// Command watchlatency measures gocore/live: the time from a change of a
// source (a file saved by rename, a stored config saved in a Database) to
// the Applied event that puts it in force, and the cost of a rebuild of a
// layered configuration shaped like bench/layered_bench.py's. With -viper
// it builds bench/watchlatency/viper (a module of its own, so that the
// library's go.mod does not grow) and measures viper's WatchConfig on the
// same kind of saves in the same run.
//
//	go run ./bench/watchlatency [-n 200] [-viper] [-etcd]
//
// It prints figures and asserts nothing.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/layer"
	"github.com/gocfg/gocfg/gocore/live"
	"github.com/gocfg/gocfg/gocore/store"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

func main() {
	n := flag.Int("n", 200, "changes per measurement")
	withViper := flag.Bool("viper", false, "build and measure viper's WatchConfig too (needs the Go module proxy the first time)")
	withEtcd := flag.Bool("etcd", false, "measure a stored layer on etcd too (needs /usr/bin/etcd)")
	flag.Parse()
	fmt.Printf("go %s, %s/%s, %d CPUs\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Printf("%-44s %10s %10s %10s\n", "from a change to the new value in force", "median", "p99", "max")

	for _, d := range []time.Duration{live.DefaultDebounce, time.Millisecond} {
		row(fmt.Sprintf("gocfg file, rename save, debounce %v", d), fileLatency(*n, d))
	}
	if *withViper {
		lat, err := viperLatency(*n)
		if err != nil {
			fmt.Printf("%-44s %s\n", "viper WatchConfig, rename save", "not measured: "+err.Error())
		} else {
			row("viper WatchConfig, rename save (no debounce)", lat)
		}
	}
	for _, url := range []string{"memory://", "sqlite://" + filepath.Join(tempDir(), "bench.db")} {
		row(fmt.Sprintf("gocfg stored %s, debounce 1ms", strings.SplitN(url, ":", 2)[0]), storedLatency(url, *n))
	}
	if *withEtcd {
		url, stop, err := startEtcd()
		if err != nil {
			fmt.Printf("%-44s %s\n", "gocfg stored etcd", "not measured: "+err.Error())
		} else {
			row("gocfg stored etcd, debounce 1ms", storedLatency(url, *n))
			stop()
		}
	}
	fmt.Println()
	rebuildCost(*n)
}

func row(name string, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("%-44s %10s %10s %10s\n", name, q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
}

var dirs []string

func tempDir() string {
	d, err := os.MkdirTemp("", "watchlatency-")
	check(err)
	dirs = append(dirs, d)
	return d
}

func check(err error) {
	if err != nil {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
		fmt.Fprintln(os.Stderr, "watchlatency:", err)
		os.Exit(1)
	}
}

func saveByRename(path, text string) {
	tmp := path + ".tmp"
	check(os.WriteFile(tmp, []byte(text), 0o644))
	check(os.Rename(tmp, path))
}

// waitFor reads events until the config's n is want, and returns when.
func waitFor(l *live.Live, want int64) time.Time {
	for {
		ev, err := l.Next(context.Background(), 30*time.Second)
		check(err)
		if ev == nil {
			check(fmt.Errorf("no event within 30s"))
		}
		if ev.Kind != live.Applied {
			check(fmt.Errorf("%v event: %v", ev.Kind, ev.Err))
		}
		if v, _ := l.Config().Get("n"); v == want {
			return time.Now()
		}
	}
}

func fileLatency(n int, debounce time.Duration) []time.Duration {
	p := filepath.Join(tempDir(), "app.yaml")
	saveByRename(p, "n: -1\n")
	ly, err := live.File(p, "", false, layer.Options{})
	check(err)
	l, err := live.New([]live.Layer{ly}, live.Options{Debounce: debounce})
	check(err)
	defer l.Close()
	out := make([]time.Duration, 0, n)
	for i := range n {
		t0 := time.Now()
		saveByRename(p, fmt.Sprintf("n: %d\nname: bench\n", i))
		out = append(out, waitFor(l, int64(i)).Sub(t0))
	}
	return out
}

type wireCodec struct{}

func (wireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }
func (wireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("not a map: %w", errs.ErrParse)
	}
	return m, nil
}

func storedLatency(url string, n int) []time.Duration {
	d, err := db.Open(url, db.Options{}, wireCodec{})
	check(err)
	m := value.NewMap(1)
	m.Set("n", int64(-1))
	_, err = d.Save(context.Background(), "bench/cfg", m, -1)
	check(err)
	ly, err := live.Stored(d, "bench/cfg", false, true, layer.Options{})
	check(err)
	l, err := live.New([]live.Layer{ly}, live.Options{Debounce: time.Millisecond})
	check(err)
	defer l.Close()
	out := make([]time.Duration, 0, n)
	for i := range n {
		m := value.NewMap(1)
		m.Set("n", int64(i))
		t0 := time.Now()
		_, err := d.Save(context.Background(), "bench/cfg", m, -1)
		check(err)
		out = append(out, waitFor(l, int64(i)).Sub(t0))
	}
	return out
}

// rebuildCost times Reload on a stack shaped like bench/layered_bench.py's
// (defaults, a YAML file of 12 sections and about 150 leaves, a TOML file
// overriding 15 of them, 50 environment variables, 5 overrides), when the
// YAML file changed (parsed again) and when nothing did (documents reused).
func rebuildCost(n int) {
	dir := tempDir()
	var yml [2]strings.Builder
	var toml strings.Builder
	defaults := value.NewMap(12)
	var env, overrides []string
	for s := range 12 {
		sec := value.NewMap(13)
		for v := range 2 {
			fmt.Fprintf(&yml[v], "section%d:\n", s)
		}
		for k := range 13 {
			key := fmt.Sprintf("key%d", k)
			sec.Set(key, int64(0))
			switch k % 4 {
			case 0:
				for v := range 2 {
					fmt.Fprintf(&yml[v], "  %s: %d\n", key, s*100+k+v)
				}
			case 1:
				for v := range 2 {
					fmt.Fprintf(&yml[v], "  %s: \"text %d %d\"\n", key, s, k)
				}
			case 2:
				for v := range 2 {
					fmt.Fprintf(&yml[v], "  %s: %v\n", key, k%3 == 0)
				}
			default:
				for v := range 2 {
					fmt.Fprintf(&yml[v], "  %s: [%d, %d, %d]\n", key, s, k, v)
				}
			}
		}
		defaults.Set(fmt.Sprintf("section%d", s), sec)
		if s < 5 {
			fmt.Fprintf(&toml, "[section%d]\nkey0 = %d\nkey1 = \"local\"\nkey2 = true\n", s, s)
		}
		for k := 4; k < 8 && len(env) < 50; k++ {
			env = append(env, fmt.Sprintf("APP_SECTION%d__KEY%d=%d", s, k, s*k))
		}
		if s < 5 {
			overrides = append(overrides, fmt.Sprintf("section%d.key9=%d", s, s))
		}
	}
	yp, tp := filepath.Join(dir, "app.yaml"), filepath.Join(dir, "app.local.toml")
	saveByRename(yp, yml[0].String())
	saveByRename(tp, toml.String())
	def, err := live.Map(layer.KindDefaults, "defaults", defaults, layer.Options{})
	check(err)
	yl, err := live.File(yp, "", false, layer.Options{})
	check(err)
	tl, err := live.File(tp, "", true, layer.Options{})
	check(err)
	ov, err := live.Overrides(overrides, true)
	check(err)
	// The watcher waits an hour before a rebuild of its own, so only the
	// timed Reload calls rebuild.
	l, err := live.New([]live.Layer{def, yl, tl, live.Env("APP", "", false), ov},
		live.Options{Debounce: live.MaxDebounce, Settings: store.Settings{Interpolate: true, ParseEnv: true, Env: env}})
	check(err)
	defer l.Close()
	leaves, err := l.Config().Explain("")
	check(err)
	var changed, same []time.Duration
	for i := range n {
		saveByRename(yp, yml[(i+1)%2].String())
		t0 := time.Now()
		ev, err := l.Reload(context.Background())
		changed = append(changed, time.Since(t0))
		check(err)
		if ev.Kind != live.Applied || len(ev.Changes) == 0 {
			check(fmt.Errorf("reload after a change: %v %v", ev.Kind, ev.Err))
		}
		t0 = time.Now()
		_, err = l.Reload(context.Background())
		same = append(same, time.Since(t0))
		check(err)
		for {
			ev, err := l.Next(context.Background(), 0)
			check(err)
			if ev == nil {
				break
			}
		}
	}
	fmt.Printf("%-44s %10s %10s %10s\n", fmt.Sprintf("rebuild (Reload), layered config, %d leaves", len(leaves)), "median", "p99", "max")
	row("  the YAML file changed (parsed again)", changed)
	row("  nothing changed (documents reused)", same)
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}

// viperLatency builds the viper module beside this file and runs it.
func viperLatency(n int) ([]time.Duration, error) {
	_, self, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(self), "viper")
	bin := filepath.Join(tempDir(), "viperwatch")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s: %v\n%s", src, err, out)
	}
	run := exec.Command(bin, "-n", strconv.Itoa(n), "-dir", tempDir())
	run.Stderr = os.Stderr
	out, err := run.Output()
	if err != nil {
		return nil, err
	}
	var ns []int64
	if err := json.Unmarshal(out, &ns); err != nil {
		return nil, fmt.Errorf("reading its output: %v", err)
	}
	lat := make([]time.Duration, len(ns))
	for i, v := range ns {
		lat[i] = time.Duration(v)
	}
	return lat, nil
}

// startEtcd runs a throw-away single-node etcd on loopback ports.
func startEtcd() (string, func(), error) {
	const bin = "/usr/bin/etcd"
	if _, err := os.Stat(bin); err != nil {
		return "", nil, fmt.Errorf("%s is not installed", bin)
	}
	port := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		check(err)
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", port())
	peer := fmt.Sprintf("http://127.0.0.1:%d", port())
	cmd := exec.Command(bin, "--name", "n0", "--data-dir", filepath.Join(tempDir(), "etcd"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "n0="+peer, "--initial-cluster-state", "new",
		"--heartbeat-interval", "10", "--election-timeout", "100", "--log-level", "error")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url := "etcd://" + strings.TrimPrefix(client, "http://") + "/bench"
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := db.Open(url, db.Options{DialTimeout: time.Second}, wireCodec{})
		if err == nil {
			_, err = d.Names(context.Background(), "")
			d.Close()
			if err == nil {
				return url, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("etcd did not come up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
