// Package etcd is the distributed backend of gocore/db:
//
//	etcd://[user:pass@]host:port[,host:port...]/prefix[?ca=FILE&cert=FILE&key=FILE&tls=true]
//
// Keys, under the prefix (default /gocfg):
//
//	<prefix>/rev/<name>                       "<revision>" or "<revision> deleted"
//	<prefix>/hist/<name>:<revision>:<unixns>  the blob of one revision
//	<prefix>/head/<name>                      "<revision>:<unixns>", then "\n" and a
//	                                          copy of that history value when it is small
//
// The rev key is the per-name revision counter and the compare-and-swap
// target: every save or delete is one transaction conditional on its
// ModRevision, which also writes the history key (save) or removes them all
// (delete). History is kept in ordinary keys rather than in etcd's MVCC
// history, which compaction removes. Revision numbers in keys are
// zero-padded, so the keys of one name sort oldest first, and names cannot
// hold ':', so one name's history keys are never a prefix of another's.
//
// A blob larger than the chunk size (default 1 MiB, URL parameter
// chunk_bytes) does not fit in one etcd request (the server's
// --max-request-bytes, 1.5 MiB by default, bounds every request, a whole
// transaction included). It is written first, in pieces, one request each,
// under keys that nothing reads yet:
//
//	<prefix>/chunk/<name>:<unixns>-<random>/<index, 6 digits>
//
// and then the same compare-and-swap transaction as for a small blob puts
// the rev key and a history key whose value is a manifest naming the
// pieces, their count, total size and SHA-256. Watchers (which follow the
// rev keys) and readers (which start from the history keys) therefore see
// a split config only once it is whole. Load reads the pieces at the etcd
// revision at which it read the manifest, so a delete racing it cannot
// tear it. Pieces of a save that lost its compare-and-swap are removed at
// once; those of a writer killed between the two steps are removed by the
// next delete of the name.
//
// The head key lets a load of the latest revision take one round trip: one
// read-only transaction gets the rev key and the head key at one etcd
// revision, and when the head names the revision the rev key holds, its
// copy is the blob (or the manifest of its pieces). It is written by the
// save's transaction and removed by the delete's, so it never disagrees
// with the rev key, except in a store also written by a version of gocfg
// that did not keep heads: a head that names another revision, or none,
// is ignored, and the load reads the history key as before (a second
// round trip, at the same etcd revision). A history value over a quarter
// of the chunk size is not copied (the save's transaction would carry it
// twice): its head names the history key, which the load then reads.
//
// Watch uses etcd's Watch API on the rev keys. The password never appears in
// errors or String(), and the client's zap logger is silenced.
package etcd

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/gocfg/gocfg/gocore/db/backend"
	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
)

// DefaultPrefix is used when the URL has no path.
const DefaultPrefix = "/gocfg"

const defaultPort = "2379"

// DefaultChunkBytes is the largest blob stored in one key, and the size of
// the pieces of a larger one. etcd refuses requests over its
// --max-request-bytes (1.5 MiB by default) and the Go client refuses to
// send more than 2 MiB; 1 MiB leaves half a megabyte for the key, the rev
// key and the transaction around it. Lower it (URL parameter chunk_bytes)
// for a server started with a smaller --max-request-bytes; raising it above
// the server's limit makes large saves fail with errs.ErrLimit.
const DefaultChunkBytes = 1 << 20

// minChunkBytes keeps the number of requests per save reasonable.
const minChunkBytes = 4 << 10

// readChunks is how many pieces one range read returns at most, which
// bounds the size of one response to readChunks chunk sizes.
const readChunks = 8

// manifestMagic starts a history value that names the pieces of a split
// blob. gocore/db's blobs start with "\x00gcf", and codec output never
// starts with NUL, so no stored blob is mistaken for a manifest.
const manifestMagic = "\x00gck"

// Store is an open connection to an etcd cluster.
type Store struct {
	cli        *clientv3.Client
	base       string // the key prefix, without a trailing '/'
	endpoints  []string
	user       string
	tls        *tls.Config
	reqTimeout time.Duration
	chunk      int   // bytes per piece of a split blob
	maxBlob    int64 // the largest blob a manifest may name
	desc       string

	fo      *failover
	life    context.Context // ends when the store closes
	endLife context.CancelFunc

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// config is what a URL and Options say.
type config struct {
	endpoints                 []string // host:port
	prefix                    string
	user, pass                string
	caFile, certFile, keyFile string
	tls                       bool
	chunk                     int
}

func bad(format string, a ...any) error {
	return fmt.Errorf("etcd store: "+format+": %w", append(a, errs.ErrInvalidArgument)...)
}

// parseURL reads an etcd:// URL. Its errors never quote the URL, which may
// hold a password.
func parseURL(raw string) (config, error) {
	var c config
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return c, bad("bad URL: %v", err)
	}
	if u.Scheme != "etcd" || u.Opaque != "" {
		return c, bad("want etcd://[user:pass@]host:port[,host:port...]/prefix")
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	if u.Host == "" {
		return c, bad("the URL names no host")
	}
	for _, hp := range strings.Split(u.Host, ",") {
		if hp == "" {
			return c, bad("empty host in the URL's host list")
		}
		host, port, err := net.SplitHostPort(hp)
		if err != nil {
			host, port = strings.Trim(hp, "[]"), defaultPort
		}
		if host == "" {
			return c, bad("empty host in %q", hp)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return c, bad("bad port in %q", hp)
		}
		c.endpoints = append(c.endpoints, net.JoinHostPort(host, port))
	}
	c.prefix = strings.TrimRight(u.Path, "/")
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	if strings.IndexByte(c.prefix, 0) >= 0 {
		return c, bad("the prefix holds NUL")
	}
	if u.Fragment != "" {
		return c, bad("the URL may not hold a #fragment")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, bad("bad URL query: %v", err)
	}
	for k, v := range q {
		if len(v) != 1 {
			return c, bad("URL parameter %q given %d times", k, len(v))
		}
		switch k {
		case "ca":
			c.caFile = v[0]
		case "cert":
			c.certFile = v[0]
		case "key":
			c.keyFile = v[0]
		case "tls":
			c.tls, err = strconv.ParseBool(v[0])
			if err != nil {
				return c, bad("URL parameter tls=%q: want true or false", v[0])
			}
		case "chunk_bytes":
			n, err := limits.ParseSize(v[0])
			if err != nil || n < minChunkBytes || n > 1<<30 {
				return c, bad("URL parameter chunk_bytes=%q: want a size from 4 KiB to 1 GiB, below the server's --max-request-bytes", v[0])
			}
			c.chunk = int(n)
		default:
			return c, bad("unknown URL parameter %q (known: ca, cert, key, tls, chunk_bytes, max_config_bytes)", k)
		}
	}
	return c, nil
}

// OpenURL connects to the cluster an etcd:// URL names. Options fields that
// are set override the URL's credentials and TLS files.
func OpenURL(raw string, opts backend.Options) (*Store, error) {
	c, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	if opts.Username != "" {
		c.user = opts.Username
	}
	if opts.Password != "" {
		c.pass = opts.Password
	}
	if opts.CAFile != "" {
		c.caFile = opts.CAFile
	}
	if opts.CertFile != "" {
		c.certFile = opts.CertFile
	}
	if opts.KeyFile != "" {
		c.keyFile = opts.KeyFile
	}
	return open(c, opts.WithDefaults())
}

func tlsConfig(c config) (*tls.Config, error) {
	if c.caFile == "" && c.certFile == "" && c.keyFile == "" && !c.tls {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, fmt.Errorf("etcd store: reading the CA file: %v: %w", err, errs.ErrIO)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, bad("the CA file %s holds no PEM certificate", c.caFile)
		}
		tc.RootCAs = pool
	}
	if (c.certFile == "") != (c.keyFile == "") {
		return nil, bad("a client certificate needs both cert and key")
	}
	if c.certFile != "" {
		pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
		if err != nil {
			return nil, bad("loading the client certificate %s and key %s: %v", c.certFile, c.keyFile, err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

func open(c config, opts backend.Options) (*Store, error) {
	tc, err := tlsConfig(c)
	if err != nil {
		return nil, err
	}
	s := &Store{
		base:       c.prefix,
		endpoints:  c.endpoints,
		user:       c.user,
		tls:        tc,
		reqTimeout: opts.RequestTimeout,
		chunk:      c.chunk,
		maxBlob:    opts.MaxConfigBytes + 64, // the storage encoding's header
		done:       make(chan struct{}),
	}
	s.life, s.endLife = context.WithCancel(context.Background())
	if opts.MaxConfigBytes <= 0 {
		s.maxBlob = 1 << 62
	}
	if s.chunk == 0 {
		s.chunk = DefaultChunkBytes
	}
	scheme := "http://"
	if tc != nil {
		scheme = "https://"
	}
	desc := "etcd://"
	if c.user != "" {
		desc += url.User(c.user).String() + "@"
	}
	s.desc = desc + strings.Join(c.endpoints, ",") + c.prefix

	// A certificate that does not verify is the commonest TLS mistake:
	// catch it now with a clear message, rather than as a timeout.
	if tc != nil {
		if err := s.checkTLS(opts.DialTimeout); err != nil {
			s.endLife()
			return nil, err
		}
	}

	urls := make([]string, len(c.endpoints))
	for i, e := range c.endpoints {
		urls[i] = scheme + e
	}
	s.fo = newFailover(urls, opts.RequestTimeout)
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:            urls,
		DialTimeout:          opts.DialTimeout,
		DialKeepAliveTime:    10 * time.Second,
		DialKeepAliveTimeout: opts.DialTimeout,
		TLS:                  tc,
		Username:             c.user,
		Password:             c.pass,
		Logger:               zap.NewNop(),
		DialOptions: []grpc.DialOption{
			// gRPC's default reconnection backoff grows to two minutes; a
			// config store should notice a restarted server within a second.
			grpc.WithConnectParams(grpc.ConnectParams{
				Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
				MinConnectTimeout: opts.DialTimeout,
			}),
		},
	})
	if err != nil {
		s.endLife()
		return nil, s.openErr(err, opts.DialTimeout)
	}
	s.cli = cli
	// Check that the cluster answers and lets us read our prefix (on
	// another member if the first one asked does not answer).
	ctx, cancel := context.WithTimeout(context.Background(), opts.DialTimeout)
	defer cancel()
	err = s.retry(ctx, func(ctx context.Context) error {
		_, err := cli.Get(ctx, s.revKey(""), clientv3.WithPrefix(), clientv3.WithCountOnly())
		return err
	})
	if err != nil {
		s.close()
		return nil, s.openErr(err, opts.DialTimeout)
	}
	return s, nil
}

func (s *Store) String() string { return s.desc }

// openErr maps an error met while connecting.
func (s *Store) openErr(err error, timeout time.Duration) error {
	if isAuth(err) {
		return fmt.Errorf("etcd store %s: %s: %w", s.desc, errText(err), backend.ErrAuth)
	}
	if isConn(err) {
		return fmt.Errorf("etcd store %s: %s: %w", s.desc, s.diagnose(timeout), backend.ErrConnection)
	}
	return fmt.Errorf("etcd store %s: connecting: %s: %w", s.desc, errText(err), errs.ErrIO)
}

// checkTLS makes one TLS handshake with every endpoint at once, and fails
// only if every endpoint refused our certificate check. It returns as soon
// as one handshake succeeds, so that a member that does not answer (frozen,
// or dropping packets) costs nothing when another does.
func (s *Store) checkTLS(timeout time.Duration) error {
	type result struct {
		ep  string
		err error
	}
	results := make(chan result, len(s.endpoints)) // buffered: late handshakes never block
	for _, ep := range s.endpoints {
		go func() { results <- result{ep, s.handshake(ep, timeout)} }()
	}
	msgs := make(map[string]string)
	for range s.endpoints {
		r := <-results
		if r.err == nil || !isTLSError(r.err) {
			return nil // reachable, or not a certificate problem: the normal path will say
		}
		msgs[r.ep] = fmt.Sprintf("TLS handshake with %s failed: %v", r.ep, r.err)
	}
	var ordered []string
	for _, ep := range s.endpoints {
		ordered = append(ordered, msgs[ep])
	}
	return fmt.Errorf("etcd store %s: %s: %w", s.desc, strings.Join(ordered, "; "), backend.ErrConnection)
}

func (s *Store) handshake(ep string, timeout time.Duration) error {
	host, _, _ := net.SplitHostPort(ep)
	tc := s.tls.Clone()
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	tc.NextProtos = []string{"h2"}
	d := &net.Dialer{Timeout: timeout}
	conn, err := tls.DialWithDialer(d, "tcp", ep, tc)
	if err != nil {
		return err
	}
	defer conn.Close()
	// With TLS 1.3 the server checks our client certificate after the
	// handshake; its verdict (an alert) or its HTTP/2 settings come next.
	conn.SetReadDeadline(time.Now().Add(min(timeout, 300*time.Millisecond)))
	var b [1]byte
	if _, err := conn.Read(b[:]); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		return err
	}
	return nil
}

func isTLSError(err error) bool {
	var (
		alert   tls.AlertError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		rec     tls.RecordHeaderError
	)
	return errors.As(err, &alert) || errors.As(err, &verify) || errors.As(err, &unknown) ||
		errors.As(err, &host) || errors.As(err, &invalid) || errors.As(err, &rec) ||
		strings.Contains(err.Error(), "remote error: tls")
}

// diagnose says why the endpoints cannot be reached, by dialing them.
func (s *Store) diagnose(timeout time.Duration) string {
	timeout = min(timeout, 2*time.Second)
	var msgs []string
	for _, ep := range s.endpoints {
		var err error
		if s.tls != nil {
			err = s.handshake(ep, timeout)
			if err != nil && isTLSError(err) {
				msgs = append(msgs, fmt.Sprintf("TLS handshake with %s failed: %v", ep, err))
				continue
			}
		} else {
			var conn net.Conn
			conn, err = net.DialTimeout("tcp", ep, timeout)
			if err == nil {
				conn.Close()
			}
		}
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("cannot reach %s: %v", ep, err))
		} else {
			msgs = append(msgs, fmt.Sprintf("%s accepts connections but etcd did not answer in time", ep))
		}
	}
	return strings.Join(msgs, "; ")
}

func isAuth(err error) bool {
	for _, e := range []error{
		rpctypes.ErrAuthFailed, rpctypes.ErrPermissionDenied, rpctypes.ErrUserEmpty,
		rpctypes.ErrInvalidAuthToken, rpctypes.ErrUserNotFound, rpctypes.ErrAuthOldRevision,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	switch status.Code(err) {
	case codes.Unauthenticated, codes.PermissionDenied:
		return true
	}
	return false
}

// isConn tells an error after which the request may be tried again: the
// cluster or the member was unreachable, had no leader, changed leaders,
// timed out or shed load. Its outcome may be unknown (a write may have
// been applied), which is what ErrConnection tells the caller.
func isConn(err error) bool {
	for _, e := range []error{
		context.DeadlineExceeded, clientv3.ErrNoAvailableEndpoints, rpctypes.ErrTooManyRequests,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	// The client turns the server's errors into rpctypes.EtcdError values,
	// whose gRPC code status.Code cannot see. Every Unavailable one is a
	// member or cluster that cannot serve now (no leader, leader changed
	// while the request was in flight, stopped, request timed out, waiting
	// for the applied index, unhealthy): matching the code rather than a
	// list keeps errors added by later etcd releases from being reported
	// as damaged storage.
	var ee rpctypes.EtcdError
	if errors.As(err, &ee) {
		switch ee.Code() {
		case codes.Unavailable, codes.DeadlineExceeded:
			return true
		}
	}
	switch st, _ := status.FromError(err); st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	case codes.Unknown:
		// A member whose own copy of the request's deadline ran out first
		// (it may be waiting for a leader, or for its log to catch up)
		// answers with its context's error as an unknown status.
		return st.Message() == context.DeadlineExceeded.Error() || st.Message() == context.Canceled.Error()
	}
	return false
}

// isTooLarge tells a request refused for its size, by the server
// (--max-request-bytes) or by the client's own send limit.
func isTooLarge(err error) bool {
	if errors.Is(err, rpctypes.ErrRequestTooLarge) || errors.Is(err, rpctypes.ErrGRPCRequestTooLarge) {
		return true
	}
	return status.Code(err) == codes.ResourceExhausted && strings.Contains(errText(err), "larger than max")
}

// errText is an error's message; etcd's errors hold no credentials.
func errText(err error) string {
	var ee rpctypes.EtcdError
	if errors.As(err, &ee) {
		return ee.Error()
	}
	if st, ok := status.FromError(err); ok {
		return st.Message()
	}
	return err.Error()
}

// opErr maps an error of one call. parent is the caller's context: when it
// ended, its error is reported as is.
func (s *Store) opErr(parent context.Context, op string, err error) error {
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("etcd %s: %w", op, perr)
	}
	select {
	case <-s.done:
		return fmt.Errorf("etcd %s: %w", op, errs.ErrClosed)
	default:
	}
	switch {
	case isAuth(err):
		return fmt.Errorf("etcd %s on %s: %s: %w", op, s.desc, errText(err), backend.ErrAuth)
	case isTooLarge(err):
		return fmt.Errorf("etcd %s on %s: %s: a request of about %d bytes (one piece of a config, chunk_bytes=%d) is over the server's "+
			"--max-request-bytes: lower chunk_bytes in the URL below it: %w", op, s.desc, errText(err), s.chunk, s.chunk, errs.ErrLimit)
	case errors.Is(err, errUnknown):
		return fmt.Errorf("etcd %s on %s: %v: %w", op, s.desc, err, backend.ErrConnection)
	case errors.Is(err, context.DeadlineExceeded) || errText(err) == context.DeadlineExceeded.Error():
		return fmt.Errorf("etcd %s: no answer from %s within %v: %w", op, strings.Join(s.endpoints, ","), s.reqTimeout, backend.ErrConnection)
	case isConn(err):
		return fmt.Errorf("etcd %s on %s: %s: %w", op, s.desc, errText(err), backend.ErrConnection)
	}
	return fmt.Errorf("etcd %s on %s: %s: %w", op, s.desc, errText(err), errs.ErrIO)
}

func (s *Store) revKey(name string) string      { return s.base + "/rev/" + name }
func (s *Store) chunkPrefix(name string) string { return s.base + "/chunk/" + name + ":" }
func (s *Store) histPrefix(name string) string  { return s.base + "/hist/" + name + ":" }
func (s *Store) histKey(name string, rev int64, t time.Time) string {
	return s.histPrefix(name) + histSuffix(rev, t)
}
func (s *Store) headKey(name string) string { return s.base + "/head/" + name }

func histSuffix(rev int64, t time.Time) string { return fmt.Sprintf("%020d:%d", rev, t.UnixNano()) }

// headValue is what the head key of a save holds: the suffix of its history
// key, and a copy of the history value when that is at most a quarter of
// the chunk size.
func (s *Store) headValue(suffix, value string) string {
	if len(value) > s.chunk/4 {
		return suffix
	}
	return suffix + "\n" + value
}

// head is a head key read back: the revision it names, the suffix of its
// history key, and the copy of the history value (when copied).
type head struct {
	rev    int64
	suffix string
	value  []byte
	copied bool
}

// parseHead reads a head value; ok is false for one that does not parse,
// which the caller ignores as it does a missing head.
func parseHead(v []byte) (h head, ok bool) {
	suffix, value, copied := bytes.Cut(v, []byte("\n"))
	revS, _, found := strings.Cut(string(suffix), ":")
	rev, err := strconv.ParseInt(revS, 10, 64)
	if !found || err != nil || rev <= 0 {
		return head{}, false
	}
	return head{rev: rev, suffix: string(suffix), value: value, copied: copied}, true
}

func revValue(rev int64, deleted bool) string {
	if deleted {
		return strconv.FormatInt(rev, 10) + " deleted"
	}
	return strconv.FormatInt(rev, 10)
}

func parseRevValue(v []byte) (rev int64, deleted bool, err error) {
	s := string(v)
	s, deleted = strings.CutSuffix(s, " deleted")
	rev, err = strconv.ParseInt(s, 10, 64)
	if err != nil || rev <= 0 {
		return 0, false, fmt.Errorf("etcd store: corrupt revision value %q: %w", v, errs.ErrInternal)
	}
	return rev, deleted, nil
}

// parseHistKey reads the revision and time out of a history key.
func parseHistKey(prefix, key string) (int64, time.Time, error) {
	revS, tS, ok := strings.Cut(strings.TrimPrefix(key, prefix), ":")
	rev, err1 := strconv.ParseInt(revS, 10, 64)
	ns, err2 := strconv.ParseInt(tS, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, time.Time{}, fmt.Errorf("etcd store: corrupt history key %q: %w", key, errs.ErrInternal)
	}
	return rev, time.Unix(0, ns).UTC(), nil
}

// current reads name's counter: its latest revision, whether it exists and
// the ModRevision of the counter key (0 if absent) for the transaction.
func (s *Store) current(ctx context.Context, name string) (rev int64, exists bool, mod int64, err error) {
	var resp *clientv3.GetResponse
	err = s.retry(ctx, func(ctx context.Context) (err error) {
		resp, err = s.cli.Get(ctx, s.revKey(name))
		return err
	})
	if err != nil {
		return 0, false, 0, err
	}
	if len(resp.Kvs) == 0 {
		return 0, false, 0, nil
	}
	kv := resp.Kvs[0]
	rev, deleted, err := parseRevValue(kv.Value)
	return rev, !deleted, kv.ModRevision, err
}

func (s *Store) Put(parent context.Context, name string, blob []byte, expect int64, now time.Time) (int64, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	op := fmt.Sprintf("save %q", name)
	value := string(blob)
	if len(blob) > s.chunk {
		// A save that would conflict now fails before writing megabytes;
		// the transaction checks again, for what changes in between.
		cur, exists, _, err := s.current(ctx, name)
		if err != nil {
			return 0, s.opErr(parent, op, err)
		}
		if err := expectation(name, expect, cur, exists); err != nil {
			return 0, err
		}
		for attempt := 1; ; attempt++ {
			group, err := s.putChunks(ctx, name, blob, now)
			if err != nil {
				return 0, s.opErr(parent, op, err)
			}
			rev, err := s.commit(ctx, parent, op, name, s.manifest(group, blob), group+firstPiece, expect, now)
			// Remove the pieces only when the save surely did not commit: after
			// a timeout or a lost connection the transaction may have been
			// applied, and its pieces are then the config (pieces left over
			// are removed by the next delete of the name).
			if errors.Is(err, backend.ErrConflict) || errors.Is(err, errPiecesGone) {
				s.dropChunks(group)
			}
			if !errors.Is(err, errPiecesGone) {
				return rev, err
			}
			// A delete of the name removed the pieces while they were being
			// written: write them again (the expectation, checked again by
			// commit, decides whether the save may still happen), but not
			// forever against a client that keeps deleting.
			if attempt == 3 {
				return 0, fmt.Errorf("save %q: the config was deleted %d times while its pieces were written: %w", name, attempt, backend.ErrConflict)
			}
		}
	}
	return s.commit(ctx, parent, op, name, value, "", expect, now)
}

// errPiecesGone: the pieces a manifest would name were removed by a delete
// of the name while the save wrote them.
var errPiecesGone = errors.New("pieces removed by a concurrent delete")

// firstPiece is the key suffix of a group's first piece. A delete removes
// all of a name's pieces at once, so a delete that removed any piece of a
// group being written removed this one (written first) too.
const firstPiece = "000000"

// expectation checks a save's expected revision against the stored state.
func expectation(name string, expect, cur int64, exists bool) error {
	switch {
	case expect == 0 && exists:
		return fmt.Errorf("save %q: it exists (revision %d) but was expected not to: %w", name, cur, backend.ErrConflict)
	case expect > 0 && !exists:
		return fmt.Errorf("save %q: expected revision %d but it does not exist: %w", name, expect, backend.ErrConflict)
	case expect > 0 && cur != expect:
		return fmt.Errorf("save %q: expected revision %d but it is at %d: %w", name, expect, cur, backend.ErrConflict)
	}
	return nil
}

// commit is the compare-and-swap transaction of a save: the rev key and the
// history key (holding the blob or the manifest of its pieces) together.
// guard, when not empty, is a key that must still exist: the first piece
// of a split blob; its absence gives errPiecesGone.
func (s *Store) commit(ctx, parent context.Context, op, name, value, guard string, expect int64, now time.Time) (int64, error) {
	// An attempt whose outcome is unknown (cut short, or the connection
	// lost after the request was sent) may have been applied, or may still
	// be, if it sits in a frozen member's queue. It is never just sent
	// again: the next attempt is decided by what the store holds (see
	// resolveSave).
	var pending *sent
	for {
		var (
			cur, mod int64
			exists   bool
			err      error
		)
		if pending == nil {
			cur, exists, mod, err = s.current(ctx, name)
		} else {
			var applied bool
			cur, exists, mod, applied, err = s.resolveSave(ctx, name, value, pending)
			if applied {
				return pending.rev, nil
			}
			if mod != pending.mod {
				pending = nil // it can never be applied now
			}
		}
		if err != nil {
			return 0, s.opErr(parent, op, err)
		}
		if err := expectation(name, expect, cur, exists); err != nil {
			return 0, err
		}
		rev := cur + 1
		suffix := histSuffix(rev, now)
		hk := s.histPrefix(name) + suffix
		cmps := []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(s.revKey(name)), "=", mod)}
		var orElse []clientv3.Op
		if guard != "" {
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(guard), ">", 0))
			orElse = append(orElse, clientv3.OpGet(guard, clientv3.WithCountOnly()))
		}
		var resp *clientv3.TxnResponse
		err, cut := s.attempt(ctx, func(ctx context.Context) (err error) {
			resp, err = s.cli.Txn(ctx).
				If(cmps...).
				Then(
					clientv3.OpPut(s.revKey(name), revValue(rev, false)),
					clientv3.OpPut(hk, value),
					clientv3.OpPut(s.headKey(name), s.headValue(suffix, value)),
				).
				Else(orElse...).Commit()
			return err
		})
		if err != nil {
			if ctx.Err() != nil || (!cut && !isConn(err)) {
				return 0, s.opErr(parent, op, err)
			}
			// Every attempt built on one ModRevision has the same history
			// key (same revision, same time), so one record covers them.
			pending = &sent{rev: rev, mod: mod, histKey: hk}
			if !cut && !pause(ctx, retryPause) {
				return 0, s.opErr(parent, op, ctx.Err())
			}
			continue
		}
		if resp.Succeeded {
			return rev, nil
		}
		if guard != "" && resp.Responses[0].GetResponseRange().GetCount() == 0 {
			if pending != nil {
				// The pieces are gone: a delete ran, after which no earlier
				// attempt can apply; but one may have applied before it.
				if _, _, _, applied, rerr := s.resolveSave(ctx, name, value, pending); rerr == nil && applied {
					return pending.rev, nil
				} else if rerr != nil {
					return 0, s.opErr(parent, op, rerr)
				}
			}
			return 0, errPiecesGone
		}
		// Someone saved or deleted in between (or an earlier attempt of
		// ours was applied after all): read again, and let the expectation
		// decide between a conflict and another try.
	}
}

// sent is a save transaction whose outcome is unknown.
type sent struct {
	rev, mod int64 // the revision it would store, the ModRevision it requires
	histKey  string
}

// errUnknown: a save or delete may or may not have been applied, and what
// the store holds cannot tell (a later delete removed the evidence).
var errUnknown = errors.New("the request was sent but its outcome is unknown (it may have been applied)")

// resolveSave reads, in one transaction, the name's counter and the history
// key of revision p.rev, and says whether the save p was applied.
//
//   - The history of p.rev is p's own key holding p's value: applied.
//   - The counter's ModRevision is still p.mod: not applied yet. p may be
//     waiting in a frozen member and be applied later, but every attempt
//     the caller makes next requires that same ModRevision, so at most one
//     of them is ever applied (and then its own key is found).
//   - Otherwise p can never be applied. It was not, if p.rev is held by
//     another save's key, or if a delete took p.rev. Else p.rev's history
//     was removed by a later delete and nobody can say: errUnknown.
//
// It returns the counter as current does, for the caller's next step.
func (s *Store) resolveSave(ctx context.Context, name, value string, p *sent) (cur int64, exists bool, mod int64, applied bool, err error) {
	cur, exists, mod, hist, err := s.counterAndHistory(ctx, name, p.rev)
	if err != nil {
		return 0, false, 0, false, err
	}
	switch {
	case hist != nil && string(hist.Key) == p.histKey && string(hist.Value) == value:
		return cur, exists, mod, true, nil
	case mod == p.mod, hist != nil, cur == p.rev && !exists:
		return cur, exists, mod, false, nil
	}
	return 0, false, 0, false, errUnknown
}

// counterAndHistory reads, in one transaction, name's counter (as current
// does) and the history key of revision rev, if there is one.
func (s *Store) counterAndHistory(ctx context.Context, name string, rev int64) (cur int64, exists bool, mod int64, hist *mvccpb.KeyValue, err error) {
	resp, err := s.readTxn(ctx, []clientv3.Op{
		clientv3.OpGet(s.revKey(name)),
		clientv3.OpGet(s.histPrefix(name)+fmt.Sprintf("%020d:", rev), clientv3.WithPrefix(), clientv3.WithLimit(1)),
	})
	if err != nil {
		return 0, false, 0, nil, err
	}
	if kvs := resp.Responses[0].GetResponseRange().GetKvs(); len(kvs) > 0 {
		var deleted bool
		cur, deleted, err = parseRevValue(kvs[0].Value)
		if err != nil {
			return 0, false, 0, nil, err
		}
		exists, mod = !deleted, kvs[0].ModRevision
	}
	if kvs := resp.Responses[1].GetResponseRange().GetKvs(); len(kvs) > 0 {
		hist = kvs[0]
	}
	return cur, exists, mod, hist, nil
}

// putChunks writes blob in pieces of s.chunk bytes under a new group key,
// one request each, and returns the group's key prefix.
func (s *Store) putChunks(ctx context.Context, name string, blob []byte, now time.Time) (string, error) {
	var nonce [8]byte
	rand.Read(nonce[:])
	group := fmt.Sprintf("%s%d-%s/", s.chunkPrefix(name), now.UnixNano(), hex.EncodeToString(nonce[:]))
	for i := 0; i*s.chunk < len(blob); i++ {
		piece := blob[i*s.chunk : min((i+1)*s.chunk, len(blob))]
		// Writing a piece again is harmless: same key, same bytes.
		err := s.retry(ctx, func(ctx context.Context) error {
			_, err := s.cli.Put(ctx, fmt.Sprintf("%s%06d", group, i), string(piece))
			return err
		})
		if err != nil {
			s.dropChunks(group)
			return "", err
		}
	}
	return group, nil
}

// dropChunks removes the pieces of a save that did not commit. It is best
// effort, on a context of its own (the save's may have ended): pieces it
// misses are removed with the name.
func (s *Store) dropChunks(group string) {
	ctx, cancel := context.WithTimeout(s.life, s.reqTimeout)
	defer cancel()
	s.retry(ctx, func(ctx context.Context) error {
		_, err := s.cli.Delete(ctx, group, clientv3.WithPrefix())
		return err
	})
}

// manifest describes a split blob: magic, total size and piece count
// (uvarints), SHA-256, then the group's key prefix.
func (s *Store) manifest(group string, blob []byte) string {
	m := []byte(manifestMagic)
	m = binary.AppendUvarint(m, uint64(len(blob)))
	m = binary.AppendUvarint(m, uint64((len(blob)+s.chunk-1)/s.chunk))
	sum := sha256.Sum256(blob)
	m = append(m, sum[:]...)
	return string(append(m, group...))
}

// assemble returns the blob a history value holds: the value itself, or
// the pieces its manifest names, read at etcd revision at.
func (s *Store) assemble(ctx context.Context, name string, value []byte, at int64) ([]byte, error) {
	if !bytes.HasPrefix(value, []byte(manifestMagic)) {
		return value, nil
	}
	damaged := func(why string) error {
		return fmt.Errorf("etcd store: config %q: stored data is damaged (%s): %w", name, why, errs.ErrIO)
	}
	rest := value[len(manifestMagic):]
	size, n := binary.Uvarint(rest)
	if n <= 0 {
		return nil, damaged("bad manifest")
	}
	rest = rest[n:]
	count, n := binary.Uvarint(rest)
	if n <= 0 || len(rest)-n < sha256.Size+1 {
		return nil, damaged("bad manifest")
	}
	rest = rest[n:]
	sum, group := rest[:sha256.Size], string(rest[sha256.Size:])
	if int64(size) > s.maxBlob || size > 1<<62 {
		return nil, fmt.Errorf("etcd store: config %q is %d bytes stored, over the limit of %s; raise max_config_bytes: %w",
			name, size, limits.Format(s.maxBlob-64, "bytes"), errs.ErrLimit)
	}
	if !strings.HasPrefix(group, s.chunkPrefix(name)) {
		return nil, damaged("manifest names pieces of another config")
	}
	out := make([]byte, 0, size)
	var pieces uint64
	key := group
	for {
		var resp *clientv3.GetResponse
		err := s.retry(ctx, func(ctx context.Context) (err error) {
			resp, err = s.cli.Get(ctx, key, clientv3.WithRange(clientv3.GetPrefixRangeEnd(group)),
				clientv3.WithRev(at), clientv3.WithLimit(readChunks))
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, kv := range resp.Kvs {
			if uint64(len(out))+uint64(len(kv.Value)) > size {
				return nil, damaged("pieces longer than the manifest says")
			}
			out = append(out, kv.Value...)
			pieces++
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		key = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
	if pieces != count || uint64(len(out)) != size {
		return nil, damaged(fmt.Sprintf("%d pieces of %d bytes where %d pieces of %d bytes were written", pieces, len(out), count, size))
	}
	if got := sha256.Sum256(out); !bytes.Equal(got[:], sum) {
		return nil, damaged("checksum mismatch")
	}
	return out, nil
}

func (s *Store) Get(parent context.Context, name string, rev int64) ([]byte, int64, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	op := fmt.Sprintf("load %q", name)
	var at int64 // the etcd revision to read at; 0: the current one
	if rev == 0 {
		// The rev key says which revision is the latest, and the head key,
		// read in the same transaction, usually holds it. Reading the last
		// history key instead would cost a sorted range over the whole
		// history of the name: etcd ignores the limit of a descending sort.
		resp, err := s.readTxn(ctx, []clientv3.Op{clientv3.OpGet(s.revKey(name)), clientv3.OpGet(s.headKey(name))})
		if err != nil {
			return nil, 0, s.opErr(parent, op, err)
		}
		latest, ok, err := latestOf(resp.Responses[0].GetResponseRange().GetKvs())
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, fmt.Errorf("config %q: %w", name, errs.ErrNotFound)
		}
		rev, at = latest, resp.Header.Revision
		if h, ok := headOf(resp.Responses[1].GetResponseRange().GetKvs(), latest); ok && h.copied {
			blob, err := s.assemble(ctx, name, h.value, at)
			if err != nil {
				return nil, 0, s.loadErr(parent, op, err)
			}
			return blob, latest, nil
		} else if ok {
			// The head names the history key: read that one key.
			resp, err := s.get(ctx, s.histPrefix(name)+h.suffix, clientv3.WithRev(at))
			if err != nil {
				return nil, 0, s.opErr(parent, op, err)
			}
			if len(resp.Kvs) == 0 {
				return nil, 0, fmt.Errorf("config %q: %w", name, errs.ErrNotFound)
			}
			blob, err := s.assemble(ctx, name, resp.Kvs[0].Value, at)
			if err != nil {
				return nil, 0, s.loadErr(parent, op, err)
			}
			return blob, latest, nil
		}
	}
	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithLimit(1)}
	if at > 0 {
		opts = append(opts, clientv3.WithRev(at))
	}
	resp, err := s.get(ctx, s.histPrefix(name)+fmt.Sprintf("%020d:", rev), opts...)
	if err != nil {
		return nil, 0, s.opErr(parent, op, err)
	}
	if len(resp.Kvs) == 0 {
		if at > 0 {
			return nil, 0, fmt.Errorf("config %q: %w", name, errs.ErrNotFound)
		}
		return nil, 0, fmt.Errorf("config %q revision %d: %w", name, rev, errs.ErrNotFound)
	}
	kv := resp.Kvs[0]
	got, _, err := parseHistKey(s.histPrefix(name), string(kv.Key))
	if err != nil {
		return nil, 0, err
	}
	blob, err := s.assemble(ctx, name, kv.Value, resp.Header.Revision)
	if err != nil {
		return nil, 0, s.loadErr(parent, op, err)
	}
	return blob, got, nil
}

// latestOf reads a rev key's range: the latest revision, and false when
// the name does not exist (never saved, or deleted).
func latestOf(kvs []*mvccpb.KeyValue) (int64, bool, error) {
	if len(kvs) == 0 {
		return 0, false, nil
	}
	latest, deleted, err := parseRevValue(kvs[0].Value)
	if err != nil || deleted {
		return 0, false, err
	}
	return latest, true, nil
}

// headOf reads a head key's range: the head, if there is one and it names
// the revision latest (see the package comment for when it does not).
func headOf(kvs []*mvccpb.KeyValue, latest int64) (head, bool) {
	if len(kvs) == 0 {
		return head{}, false
	}
	h, ok := parseHead(kvs[0].Value)
	if !ok || h.rev != latest {
		return head{}, false
	}
	return h, true
}

// loadErr maps an error of assemble: damage and limits as they are, the
// rest as the failed request they are.
func (s *Store) loadErr(parent context.Context, op string, err error) error {
	if errors.Is(err, errs.ErrIO) || errors.Is(err, errs.ErrLimit) {
		return err
	}
	return s.opErr(parent, op, err)
}

// maxTxnOps stays under etcd's default --max-txn-ops (128).
const maxTxnOps = 64

// Latest reads the latest revision of many names: one transaction per 32
// names reads their rev and head keys, and a second one, at the same etcd
// revision, the history keys of those whose head does not hold the blob
// (saved by a version of gocfg without heads, or larger than a head
// copies), instead of one or two round trips per name.
func (s *Store) Latest(parent context.Context, names []string) ([]backend.Blob, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	var out []backend.Blob
	for len(names) > 0 {
		batch := names[:min(len(names), maxTxnOps/2)]
		names = names[len(batch):]
		ops := make([]clientv3.Op, 0, 2*len(batch))
		for _, name := range batch {
			ops = append(ops, clientv3.OpGet(s.revKey(name)), clientv3.OpGet(s.headKey(name)))
		}
		resp, err := s.readTxn(ctx, ops)
		if err != nil {
			return nil, s.opErr(parent, "query", err)
		}
		at := resp.Header.Revision
		// One slot per existing name, in the order given; a slot whose
		// value is not yet known has its history key read next.
		type slot struct {
			name  string
			rev   int64
			value []byte
		}
		slots := make([]slot, 0, len(batch))
		var rest []int // indexes into slots still to read
		ops = ops[:0]
		for i, name := range batch {
			latest, ok, err := latestOf(resp.Responses[2*i].GetResponseRange().GetKvs())
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			h, ok := headOf(resp.Responses[2*i+1].GetResponseRange().GetKvs(), latest)
			if ok && h.copied {
				slots = append(slots, slot{name, latest, h.value})
				continue
			}
			rest = append(rest, len(slots))
			slots = append(slots, slot{name: name, rev: latest})
			if ok {
				ops = append(ops, clientv3.OpGet(s.histPrefix(name)+h.suffix, clientv3.WithRev(at)))
			} else {
				ops = append(ops, clientv3.OpGet(s.histPrefix(name)+fmt.Sprintf("%020d:", latest),
					clientv3.WithPrefix(), clientv3.WithLimit(1), clientv3.WithRev(at)))
			}
		}
		if len(ops) > 0 {
			resp, err = s.readTxn(ctx, ops)
			if err != nil {
				return nil, s.opErr(parent, "query", err)
			}
			for i, r := range resp.Responses {
				if kvs := r.GetResponseRange().GetKvs(); len(kvs) > 0 {
					slots[rest[i]].value = kvs[0].Value
				}
			}
		}
		for _, sl := range slots {
			if sl.value == nil {
				continue // its history is gone: a delete's transaction does that only with the rev key
			}
			blob, err := s.assemble(ctx, sl.name, sl.value, at)
			if err != nil {
				return nil, s.loadErr(parent, "query", err)
			}
			out = append(out, backend.Blob{Name: sl.name, Revision: sl.rev, Data: blob})
		}
	}
	return out, nil
}

func (s *Store) Delete(parent context.Context, name string) (int64, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	op := fmt.Sprintf("delete %q", name)
	var pending *sent // an attempt whose outcome is unknown, as in commit
	for {
		var (
			cur, mod int64
			exists   bool
			err      error
		)
		if pending == nil {
			cur, exists, mod, err = s.current(ctx, name)
		} else {
			var hist *mvccpb.KeyValue
			cur, exists, mod, hist, err = s.counterAndHistory(ctx, name, pending.rev)
			switch {
			case err != nil:
			case cur == pending.rev && !exists:
				// Deleted at the revision we meant: by us, or by another
				// delete of the same state (only one of them was applied);
				// either way the config the caller saw is gone.
				return pending.rev, nil
			case mod == pending.mod:
				// Not applied yet; the next attempt excludes it.
			case hist != nil:
				pending = nil // a save took that revision: ours never applies
			default:
				err = errUnknown
			}
		}
		if err != nil {
			return 0, s.opErr(parent, op, err)
		}
		if !exists {
			return 0, fmt.Errorf("delete %q: %w", name, errs.ErrNotFound)
		}
		rev := cur + 1
		var resp *clientv3.TxnResponse
		err, cut := s.attempt(ctx, func(ctx context.Context) (err error) {
			resp, err = s.cli.Txn(ctx).
				If(clientv3.Compare(clientv3.ModRevision(s.revKey(name)), "=", mod)).
				Then(
					clientv3.OpPut(s.revKey(name), revValue(rev, true)),
					clientv3.OpDelete(s.headKey(name)),
					clientv3.OpDelete(s.histPrefix(name), clientv3.WithPrefix()),
					clientv3.OpDelete(s.chunkPrefix(name), clientv3.WithPrefix()),
				).Commit()
			return err
		})
		if err != nil {
			if ctx.Err() != nil || (!cut && !isConn(err)) {
				return 0, s.opErr(parent, op, err)
			}
			pending = &sent{rev: rev, mod: mod}
			if !cut && !pause(ctx, retryPause) {
				return 0, s.opErr(parent, op, ctx.Err())
			}
			continue
		}
		if resp.Succeeded {
			return rev, nil
		}
	}
}

func (s *Store) List(parent context.Context, prefix string) ([]string, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	resp, err := s.get(ctx, s.revKey(prefix), clientv3.WithPrefix())
	if err != nil {
		return nil, s.opErr(parent, "list", err)
	}
	var out []string
	for _, kv := range resp.Kvs {
		_, deleted, err := parseRevValue(kv.Value)
		if err != nil {
			return nil, err
		}
		if !deleted {
			out = append(out, strings.TrimPrefix(string(kv.Key), s.revKey("")))
		}
	}
	return out, nil
}

func (s *Store) History(parent context.Context, name string) ([]backend.HistoryEntry, error) {
	ctx, cancel := context.WithTimeout(parent, s.reqTimeout)
	defer cancel()
	p := s.histPrefix(name)
	resp, err := s.get(ctx, p, clientv3.WithPrefix(), clientv3.WithKeysOnly(),
		clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, s.opErr(parent, fmt.Sprintf("history of %q", name), err)
	}
	if len(resp.Kvs) == 0 {
		return nil, fmt.Errorf("history of %q: %w", name, errs.ErrNotFound)
	}
	out := make([]backend.HistoryEntry, 0, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		rev, t, err := parseHistKey(p, string(kv.Key))
		if err != nil {
			return nil, err
		}
		out = append(out, backend.HistoryEntry{Revision: rev, Time: t})
	}
	return out, nil
}

// Watch follows the rev keys with etcd's Watch API, from the cluster's
// revision at the time of the call, so that no change made after Watch
// returns is missed. The client reconnects by itself when the server comes
// back; after a compaction the watch resumes at the oldest revision kept.
func (s *Store) Watch(ctx context.Context, prefix string) (<-chan backend.Event, error) {
	key := s.revKey(prefix)
	gctx, cancel := context.WithTimeout(ctx, s.reqTimeout)
	resp, err := s.get(gctx, key, clientv3.WithPrefix(), clientv3.WithCountOnly())
	cancel()
	if err != nil {
		return nil, s.opErr(ctx, "watch", err)
	}
	next := resp.Header.Revision + 1
	out := make(chan backend.Event)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		for {
			// A watch stream runs on one member. When a member stops
			// answering and is taken out (failover.go), the stream is
			// started again on a gRPC stream of its own (the metadata
			// makes the client open a new one rather than join the old),
			// from the first revision not yet delivered.
			route, n := s.fo.watchRoute()
			wctx, wcancel := context.WithCancel(ctx)
			stopRoute := context.AfterFunc(route, wcancel)
			wctx = metadata.AppendToOutgoingContext(wctx, "gocfg-route", strconv.FormatInt(n, 10))
			again := false
			for wr := range s.cli.Watch(wctx, key, clientv3.WithPrefix(), clientv3.WithRev(next)) {
				if wr.CompactRevision > 0 {
					next, again = wr.CompactRevision, true
					break
				}
				if wr.Err() != nil {
					break
				}
				for _, ev := range wr.Events {
					next = ev.Kv.ModRevision + 1
					if ev.Type != mvccpb.PUT {
						continue
					}
					rev, deleted, err := parseRevValue(ev.Kv.Value)
					if err != nil {
						continue
					}
					e := backend.Event{Name: strings.TrimPrefix(string(ev.Kv.Key), s.revKey("")), Revision: rev, Deleted: deleted}
					select {
					case out <- e:
					case <-ctx.Done():
						stopRoute()
						wcancel()
						return
					case <-s.done:
						stopRoute()
						wcancel()
						return
					}
				}
			}
			stopRoute()
			wcancel()
			if ctx.Err() != nil {
				return
			}
			select {
			case <-s.done:
				return
			default:
			}
			if !again && route.Err() == nil {
				return // the stream ended by itself (the client gave up)
			}
		}
	}()
	return out, nil
}

// Close disconnects; watches end.
func (s *Store) Close() error {
	s.close()
	return nil
}

func (s *Store) close() {
	s.closeOnce.Do(func() {
		s.fo.mu.Lock()
		s.fo.closed = true // no new put-back loop from here on
		s.fo.mu.Unlock()
		close(s.done)
		s.endLife()
		s.cli.Close() // its error only says that calls were cancelled
		s.wg.Wait()
	})
}

// get is a read, tried again on another member when need be.
func (s *Store) get(ctx context.Context, key string, opts ...clientv3.OpOption) (resp *clientv3.GetResponse, err error) {
	err = s.retry(ctx, func(ctx context.Context) (err error) {
		resp, err = s.cli.Get(ctx, key, opts...)
		return err
	})
	return resp, err
}

// readTxn is a transaction of reads only, tried again like get.
func (s *Store) readTxn(ctx context.Context, ops []clientv3.Op) (resp *clientv3.TxnResponse, err error) {
	err = s.retry(ctx, func(ctx context.Context) (err error) {
		resp, err = s.cli.Txn(ctx).Then(ops...).Commit()
		return err
	})
	return resp, err
}
