package etcd_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/errs"
)

func startEtcd(t *testing.T, tlsCfg *dbtest.EtcdTLS) *dbtest.Etcd {
	t.Helper()
	if !dbtest.HaveEtcd() {
		t.Skip(dbtest.SkipEtcd)
	}
	e, err := dbtest.StartEtcd(t.TempDir(), tlsCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

func openDB(t *testing.T, u string, opts db.Options) (*db.DB, error) {
	t.Helper()
	d, err := db.Open(u, opts, dbtest.JSONCodec{})
	if err == nil {
		t.Cleanup(func() { d.Close() })
	}
	return d, err
}

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
}

// noSecret fails if secret shows in s.
func noSecret(t *testing.T, s, secret string) {
	t.Helper()
	if strings.Contains(s, secret) {
		t.Fatalf("the password leaked: %s", s)
	}
}

// TestRestart: with the server down, calls fail with ErrConnection within
// the timeout; once it is back, the same DB works again, and a watch opened
// before the outage goes on.
func TestRestart(t *testing.T) {
	e := startEtcd(t, nil)
	const timeout = time.Second
	d, err := openDB(t, e.URL("/restart"), db.Options{DialTimeout: timeout, RequestTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := d.Save(ctx, "a", dbtest.Map("v", int64(1)), 0); err != nil {
		t.Fatal(err)
	}
	events, err := d.Watch(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}

	e.Stop()
	calls := map[string]func() error{
		"Load":    func() error { _, _, err := d.Load(ctx, "a", 0); return err },
		"Save":    func() error { _, err := d.Save(ctx, "a", dbtest.Map(), -1); return err },
		"Names":   func() error { _, err := d.Names(ctx, ""); return err },
		"History": func() error { _, err := d.History(ctx, "a"); return err },
		"Delete":  func() error { return d.Delete(ctx, "a") },
		"Query":   func() error { _, err := d.Query(ctx, "*:**"); return err },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		took := time.Since(start)
		if !errors.Is(err, db.ErrConnection) {
			t.Fatalf("%s with etcd down: %v, want ErrConnection", name, err)
		}
		if took > timeout+2*time.Second { // slack for a loaded machine
			t.Fatalf("%s with etcd down took %v, timeout %v", name, took, timeout)
		}
		t.Logf("%s: %v after %v", name, err, took.Round(time.Millisecond))
	}

	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, rev, err := d.Load(ctx, "a", 0)
		if err == nil {
			if rev != 1 {
				t.Fatalf("revision %d after restart", rev)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing 15s after the restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rev, err := d.Save(ctx, "a", dbtest.Map("v", int64(2)), 1); err != nil || rev != 2 {
		t.Fatalf("save after restart: %d %v", rev, err)
	}
	select {
	case ev := <-events:
		if ev != (db.Event{Name: "a", Revision: 2}) {
			t.Fatalf("event after restart %+v", ev)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the watch did not survive the restart")
	}
}

// TestUnreachable: nothing listens on the port.
func TestUnreachable(t *testing.T) {
	port, err := dbtest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = openDB(t, fmt.Sprintf("etcd://user:s3cr3tpw@127.0.0.1:%d/x", port), db.Options{DialTimeout: 500 * time.Millisecond})
	wantErr(t, err, db.ErrConnection)
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("the error does not say why: %v", err)
	}
	noSecret(t, err.Error(), "s3cr3tpw")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v", took)
	}
}

// TestAuth: a server with authentication on.
func TestAuth(t *testing.T) {
	e := startEtcd(t, nil)
	const pw = "r00t-Pa55:w/rd@x"
	if err := e.EnableAuth(pw); err != nil {
		t.Fatal(err)
	}
	ep := e.Endpoint()
	user := func(name, pass string) string {
		return "etcd://" + url.UserPassword(name, pass).String() + "@" + ep + "/auth"
	}
	opts := db.Options{DialTimeout: 2 * time.Second, RequestTimeout: 2 * time.Second}

	_, err := openDB(t, user("root", "wrong-password"), opts)
	wantErr(t, err, db.ErrAuth)
	noSecret(t, err.Error(), "wrong-password")

	_, err = openDB(t, user("nobody", "whatever-pw"), opts)
	wantErr(t, err, db.ErrAuth)

	_, err = openDB(t, "etcd://"+ep+"/auth", opts) // no credentials
	wantErr(t, err, db.ErrAuth)

	d, err := openDB(t, user("root", pw), opts)
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, d.String(), pw)
	noSecret(t, d.String(), url.QueryEscape(pw))
	if !strings.Contains(d.String(), "root@") {
		t.Errorf("String() = %q, want the user", d.String())
	}
	ctx := t.Context()
	if _, err := d.Save(ctx, "a", dbtest.Map("v", int64(1)), 0); err != nil {
		t.Fatal(err)
	}

	// Options override the URL's credentials.
	o := opts
	o.Username, o.Password = "root", pw
	d2, err := openDB(t, user("root", "wrong-password"), o)
	if err != nil {
		t.Fatalf("Options credentials: %v", err)
	}
	if _, _, err := d2.Load(ctx, "a", 0); err != nil {
		t.Fatal(err)
	}
	o.Password = "also-wrong"
	_, err = openDB(t, "etcd://"+ep+"/auth", o)
	wantErr(t, err, db.ErrAuth)
	noSecret(t, err.Error(), "also-wrong")
}

// TestTLS: a server with a certificate from a CA made here, requiring
// client certificates.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca, err := dbtest.NewCA("good")
	if err != nil {
		t.Fatal(err)
	}
	other, err := dbtest.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	caFile, _ := ca.WriteCert(dir)
	otherFile, _ := other.WriteCert(dir)
	srvCert, srvKey, err := ca.Issue(dir, "server")
	if err != nil {
		t.Fatal(err)
	}
	cliCert, cliKey, err := ca.Issue(dir, "client")
	if err != nil {
		t.Fatal(err)
	}
	strangerCert, strangerKey, err := other.Issue(dir, "stranger")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	e := startEtcd(t, &dbtest.EtcdTLS{
		CertFile: srvCert, KeyFile: srvKey, CAFile: caFile, ClientCertAuth: true,
		Client: &tls.Config{RootCAs: ca.Pool(), Certificates: []tls.Certificate{pair}},
	})
	ep := e.Endpoint()
	opts := db.Options{DialTimeout: 2 * time.Second, RequestTimeout: 2 * time.Second}
	q := func(ca, cert, key string) string {
		v := url.Values{}
		v.Set("ca", ca)
		v.Set("cert", cert)
		v.Set("key", key)
		return "etcd://" + ep + "/tls?" + v.Encode()
	}
	ctx := t.Context()

	// URL parameters.
	d, err := openDB(t, q(caFile, cliCert, cliKey), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Save(ctx, "a", dbtest.Map("v", int64(1)), 0); err != nil {
		t.Fatal(err)
	}
	// Options fields.
	o := opts
	o.CAFile, o.CertFile, o.KeyFile = caFile, cliCert, cliKey
	d2, err := openDB(t, "etcd://"+ep+"/tls", o)
	if err != nil {
		t.Fatal(err)
	}
	if _, rev, err := d2.Load(ctx, "a", 0); err != nil || rev != 1 {
		t.Fatalf("load over TLS: %d %v", rev, err)
	}

	// A CA that did not sign the server's certificate: refused at once,
	// with a message that says so.
	start := time.Now()
	_, err = openDB(t, q(otherFile, cliCert, cliKey), opts)
	wantErr(t, err, db.ErrConnection)
	if !strings.Contains(err.Error(), "TLS handshake") || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unclear message: %v", err)
	}
	if took := time.Since(start); took >= opts.DialTimeout {
		t.Errorf("a wrong CA took %v to be refused", took)
	}
	t.Logf("wrong CA: %v", err)

	// A client certificate the server does not trust.
	_, err = openDB(t, q(caFile, strangerCert, strangerKey), opts)
	wantErr(t, err, db.ErrConnection)
	if !strings.Contains(err.Error(), "TLS") {
		t.Errorf("unclear message: %v", err)
	}
	t.Logf("untrusted client certificate: %v", err)

	// Plain text to a TLS port.
	_, err = openDB(t, "etcd://"+ep+"/tls", db.Options{DialTimeout: 500 * time.Millisecond})
	wantErr(t, err, db.ErrConnection)

	// Bad files are argument errors, found before connecting.
	_, err = openDB(t, q(dir+"/missing.pem", cliCert, cliKey), opts)
	wantErr(t, err, errs.ErrIO)
	_, err = openDB(t, q(cliKey, cliCert, cliKey), opts) // a key is no CA
	wantErr(t, err, errs.ErrInvalidArgument)
	o = opts
	o.CAFile, o.CertFile = caFile, cliCert // no key
	_, err = openDB(t, "etcd://"+ep+"/tls", o)
	wantErr(t, err, errs.ErrInvalidArgument)
}

// TestBadURLs: malformed URLs are refused without quoting the password.
func TestBadURLs(t *testing.T) {
	const pw = "Sup3rS3cret"
	for _, u := range []string{
		"etcd://u:" + pw + "@127.0.0.1:99999/p",
		"etcd://u:" + pw + "@127.0.0.1:2379/p?bogus=1",
		"etcd://u:" + pw + "@127.0.0.1:2379/p?tls=maybe",
		"etcd://u:" + pw + "%zz@127.0.0.1:2379/p",
		"etcd://u:" + pw + "@/p",
		"etcd://u:" + pw + "@a:1,,b:2/p",
		"etcd://u:" + pw + "@127.0.0.1:2379/p#frag",
		"etcd:u:" + pw,
		"etcd://u:" + pw + "@127.0.0.1:2379/p?ca=a&ca=b",
	} {
		_, err := db.Open(u, db.Options{}, dbtest.JSONCodec{})
		if !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Open(%q): %v, want ErrInvalidArgument", u, err)
			continue
		}
		noSecret(t, err.Error(), pw)
	}
	_, err := db.Open("etcdx://u:"+pw+"@h/p", db.Options{}, dbtest.JSONCodec{})
	wantErr(t, err, errs.ErrInvalidArgument)
	noSecret(t, err.Error(), pw)
}

// TestCallerContext: the caller's own deadline is reported as such, not as
// a connection error.
func TestCallerContext(t *testing.T) {
	e := startEtcd(t, nil)
	d, err := openDB(t, e.URL("ctx"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = d.Load(ctx, "a", 0)
	if !errors.Is(err, context.Canceled) || errors.Is(err, db.ErrConnection) {
		t.Fatalf("cancelled context: %v", err)
	}
}
