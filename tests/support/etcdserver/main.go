// Command etcdserver is the etcd server the gocfg tests start when no etcd
// is installed: one etcd member served in-process by etcd's embed package,
// at the etcd release the library's client is pinned to. Alone it is a
// single-member cluster; with --initial-cluster naming other members (each
// run of this program one member) it joins a multi-member cluster, as the
// cluster fault tests start.
//
// It takes the subset of the real etcd binary's flags that the tests use,
// spelled the same way, so tests/support/etcd_server.py and
// gocore/db/internal/dbtest pass one argument list whichever binary runs.
// A flag it does not know is an error, never silently ignored. SIGTERM and
// SIGINT stop it cleanly (the outage tests stop and restart a member on the
// same data directory).
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// urlList is a comma-separated list of URLs, as etcd's flags take them.
type urlList []url.URL

func (l *urlList) String() string {
	s := make([]string, len(*l))
	for i, u := range *l {
		s[i] = u.String()
	}
	return strings.Join(s, ",")
}

func (l *urlList) Set(v string) error {
	*l = nil
	for _, part := range strings.Split(v, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%q is not a URL such as http://127.0.0.1:2379", part)
		}
		*l = append(*l, *u)
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "etcdserver:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := embed.NewConfig()
	fs := flag.NewFlagSet("etcdserver", flag.ContinueOnError)
	var clientURLs, advClientURLs, peerURLs, advPeerURLs urlList
	var heartbeat, election uint
	var logOutputs string
	fs.StringVar(&cfg.Name, "name", cfg.Name, "member name")
	fs.StringVar(&cfg.Dir, "data-dir", "", "data directory (required)")
	fs.Var(&clientURLs, "listen-client-urls", "client URLs to listen on")
	fs.Var(&advClientURLs, "advertise-client-urls", "client URLs to advertise")
	fs.Var(&peerURLs, "listen-peer-urls", "peer URLs to listen on")
	fs.Var(&advPeerURLs, "initial-advertise-peer-urls", "peer URLs to advertise")
	fs.StringVar(&cfg.InitialCluster, "initial-cluster", cfg.InitialCluster, "name=peerURL,...")
	fs.StringVar(&cfg.ClusterState, "initial-cluster-state", cfg.ClusterState, "new or existing")
	fs.StringVar(&cfg.InitialClusterToken, "initial-cluster-token", cfg.InitialClusterToken, "distinguishes clusters started with the same members")
	fs.UintVar(&heartbeat, "heartbeat-interval", cfg.TickMs, "heartbeat interval in ms")
	fs.UintVar(&election, "election-timeout", cfg.ElectionMs, "election timeout in ms")
	fs.StringVar(&cfg.Logger, "logger", "zap", "only zap is supported")
	fs.StringVar(&logOutputs, "log-outputs", "stderr", "comma-separated: stderr, stdout or a file")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn, error")
	fs.StringVar(&cfg.ClientTLSInfo.CertFile, "cert-file", "", "server certificate for the client port")
	fs.StringVar(&cfg.ClientTLSInfo.KeyFile, "key-file", "", "its key")
	fs.StringVar(&cfg.ClientTLSInfo.TrustedCAFile, "trusted-ca-file", "", "CA for client certificates")
	fs.BoolVar(&cfg.ClientTLSInfo.ClientCertAuth, "client-cert-auth", false, "require client certificates")
	fs.UintVar(&cfg.MaxRequestBytes, "max-request-bytes", cfg.MaxRequestBytes, "largest request accepted")
	fs.Int64Var(&cfg.QuotaBackendBytes, "quota-backend-bytes", cfg.QuotaBackendBytes, "backend size quota")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.Dir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	cfg.TickMs, cfg.ElectionMs = heartbeat, election
	cfg.LogOutputs = strings.Split(logOutputs, ",")
	if len(clientURLs) > 0 {
		cfg.ListenClientUrls = clientURLs
	}
	if len(advClientURLs) > 0 {
		cfg.AdvertiseClientUrls = advClientURLs
	}
	if len(peerURLs) > 0 {
		cfg.ListenPeerUrls = peerURLs
	}
	if len(advPeerURLs) > 0 {
		cfg.AdvertisePeerUrls = advPeerURLs
	}

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		return err
	case <-time.After(60 * time.Second):
		return fmt.Errorf("the member did not become ready within 60 s")
	case <-stop:
		return nil
	}
	select {
	case err := <-e.Err():
		return err
	case <-stop:
		return nil
	}
}
