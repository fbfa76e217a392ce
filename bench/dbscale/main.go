// Command dbscale measures how gocore/db's reads grow with the number of
// stored configs: names(), history(), query() and load() with 100, 1,000
// and 10,000 generated configs (about 2 KiB each, shaped like a service's
// config), on SQLite and on etcd, plus saving and loading large configs.
//
//	go run ./bench/dbscale [-sizes 100,1000,10000] [-etcd=false]
//
// The etcd rows start a throw-away server from /usr/bin/etcd. It prints
// medians and asserts nothing.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/value"
	"github.com/gocfg/gocfg/gocore/wire"
)

// wireCodec is the codec the C layer uses: the wire format, tagged.
type wireCodec struct{}

func (wireCodec) Encode(m *value.Map) ([]byte, error) { return wire.EncodeTagged(m) }
func (wireCodec) Decode(b []byte) (*value.Map, error) {
	v, err := wire.Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("not a map")
	}
	return m, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbscale:", err)
		os.Exit(1)
	}
}

func mp(kv ...any) *value.Map {
	m := value.NewMap(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

// service is a config of about 2 KiB, different for every i.
func service(i, rev int) *value.Map {
	features := []any{}
	for f := range 10 + i%20 {
		features = append(features, fmt.Sprintf("feature-%d-%d", f, i%7))
	}
	limits := value.NewMap(0)
	for l := range 20 {
		limits.Set(fmt.Sprintf("limit_%02d", l), int64(100*l+i%100))
	}
	return mp(
		"name", fmt.Sprintf("svc-%05d", i),
		"revision_note", fmt.Sprintf("generated revision %d", rev),
		"server", mp("host", fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256), "port", int64(8000+i%1000),
			"tls", mp("enabled", i%2 == 0, "cert", "/etc/ssl/svc.pem", "key", "/etc/ssl/svc.key")),
		"database", mp("url", fmt.Sprintf("postgres://db-%d.internal:5432/app", i%50), "pool", int64(10+i%40),
			"timeout_ms", int64(2500), "replicas", []any{"r1.internal", "r2.internal"}),
		"logging", mp("level", []string{"debug", "info", "warn"}[i%3], "format", "json", "sample_rate", 0.25),
		"features", features,
		"limits", limits,
		"owners", []any{"team-a@example.com", fmt.Sprintf("oncall-%d@example.com", i%13)},
	)
}

func nameOf(i int) string { return fmt.Sprintf("svc/g%02d/s%05d", i%100, i) }

// median runs f reps times and returns the median duration and f's count.
func median(reps int, f func() int) (time.Duration, int) {
	ds := make([]time.Duration, reps)
	n := 0
	for r := range ds {
		t := time.Now()
		n = f()
		ds[r] = time.Since(t)
	}
	slices.Sort(ds)
	return ds[reps/2], n
}

func fill(d *db.DB, from, to int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < to; i += 8 {
				if _, err := d.Save(ctx, nameOf(i), service(i, 1), -1); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		check(err)
	}
}

func scale(label, url string, sizes []int) {
	d, err := db.Open(url, db.Options{RequestTimeout: time.Minute}, wireCodec{})
	check(err)
	defer d.Close()
	ctx := context.Background()
	// One name with 20 revisions, for history.
	for r := range 20 {
		_, err := d.Save(ctx, "svc/g00/s00000", service(0, r+1), -1)
		check(err)
	}
	have := 1
	fmt.Printf("\n%s (median of several runs; rows = items returned)\n", label)
	fmt.Printf("%-30s", "operation")
	for _, n := range sizes {
		fmt.Printf(" %22s", fmt.Sprintf("%d names", n))
	}
	fmt.Println()
	results := map[string][]string{}
	var order []string
	add := func(op string, dur time.Duration, rows int) {
		if _, ok := results[op]; !ok {
			order = append(order, op)
		}
		results[op] = append(results[op], fmt.Sprintf("%9.3f ms (%5d)", float64(dur.Microseconds())/1000, rows))
	}
	for _, n := range sizes {
		fill(d, have, n)
		have = n
		dur, rows := median(5, func() int { l, err := d.Names(ctx, ""); check(err); return len(l) })
		add(`names("")`, dur, rows)
		dur, rows = median(9, func() int { l, err := d.Names(ctx, "svc/g07"); check(err); return len(l) })
		add(`names("svc/g07")`, dur, rows)
		dur, rows = median(21, func() int { h, err := d.History(ctx, "svc/g00/s00000"); check(err); return len(h) })
		add(`history (20 revisions)`, dur, rows)
		dur, rows = median(21, func() int { _, _, err := d.Load(ctx, nameOf(n/2), 0); check(err); return 1 })
		add(`load(latest)`, dur, rows)
		dur, rows = median(21, func() int { _, _, err := d.Load(ctx, "svc/g00/s00000", 3); check(err); return 1 })
		add(`load(revision 3 of 20)`, dur, rows)
		dur, rows = median(3, func() int { r, err := d.Query(ctx, "**:server.port"); check(err); return len(r) })
		add(`query("**:server.port")`, dur, rows)
		dur, rows = median(9, func() int { r, err := d.Query(ctx, "svc/g07/*:server.port"); check(err); return len(r) })
		add(`query("svc/g07/*:server.port")`, dur, rows)
	}
	for _, op := range order {
		fmt.Printf("%-30s", op)
		for _, c := range results[op] {
			fmt.Printf(" %22s", c)
		}
		fmt.Println()
	}
}

// large saves and loads configs of a few sizes made of random text (zstd
// shrinks its base64 by a quarter) and of repetitive text.
func large(label, url string) {
	d, err := db.Open(url, db.Options{RequestTimeout: time.Minute}, wireCodec{})
	check(err)
	defer d.Close()
	ctx := context.Background()
	fmt.Printf("\n%s: large configs (median of 5)\n", label)
	for _, size := range []int{256 << 10, 2 << 20, 16 << 20, 60 << 20} {
		for _, kind := range []string{"random", "repetitive"} {
			cfg := value.NewMap(0)
			for i := 0; i*4096 < size; i++ {
				var s string
				if kind == "random" {
					raw := make([]byte, 3072)
					rand.Read(raw)
					s = base64.StdEncoding.EncodeToString(raw)
				} else {
					unit := fmt.Sprintf("host-%d.example.com,", i%10)
					s = strings.Repeat(unit, 4096/len(unit)+1)[:4096]
				}
				cfg.Set("k"+strconv.Itoa(i), s)
			}
			name := fmt.Sprintf("large/%s/%d", kind, size)
			save, _ := median(5, func() int { _, err := d.Save(ctx, name, cfg, -1); check(err); return 0 })
			load, _ := median(5, func() int { _, _, err := d.Load(ctx, name, 0); check(err); return 0 })
			fmt.Printf("  %-10s %6d KiB: save %8.1f ms, load %8.1f ms\n", kind, size>>10,
				float64(save.Microseconds())/1000, float64(load.Microseconds())/1000)
		}
	}
}

func main() {
	sizesFlag := flag.String("sizes", "100,1000,10000", "numbers of stored configs")
	withEtcd := flag.Bool("etcd", true, "measure etcd too (needs /usr/bin/etcd)")
	withLarge := flag.Bool("large", true, "measure large configs")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(s)
		check(err)
		sizes = append(sizes, n)
	}
	dir, err := os.MkdirTemp("", "dbscale-")
	check(err)
	defer os.RemoveAll(dir)

	scale("sqlite", filepath.Join(dir, "scale.db"), sizes)
	if *withLarge {
		large("sqlite", filepath.Join(dir, "large.db"))
	}
	if *withEtcd {
		url, stop, err := startEtcd(dir)
		if err != nil {
			fmt.Println("\netcd: not measured:", err)
			return
		}
		defer stop()
		scale("etcd", url+"/scale", sizes)
		if *withLarge {
			large("etcd", url+"/large")
		}
	}
}

// startEtcd runs a single-node etcd with its defaults (request limit
// included) on free loopback ports, with its data in dir.
func startEtcd(dir string) (string, func(), error) {
	const bin = "/usr/bin/etcd"
	if _, err := os.Stat(bin); err != nil {
		return "", nil, fmt.Errorf("%s is not installed", bin)
	}
	free := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		check(err)
		defer l.Close()
		return l.Addr().String()
	}
	client, peer := "http://"+free(), "http://"+free()
	cmd := exec.Command(bin, "--name", "bench", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "bench="+peer, "--log-level", "error",
		"--quota-backend-bytes", strconv.Itoa(8<<30))
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	url := "etcd://" + strings.TrimPrefix(client, "http://")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		d, err := db.Open(url+"/probe", db.Options{DialTimeout: time.Second}, wireCodec{})
		if err == nil {
			d.Close()
			return url, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("etcd did not start: %v", err)
		}
	}
}
