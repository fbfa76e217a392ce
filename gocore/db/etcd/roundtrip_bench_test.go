package etcd_test

import (
	"context"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/gocfg/gocfg/gocore/db"
	"github.com/gocfg/gocfg/gocore/db/internal/dbtest"
	"github.com/gocfg/gocfg/gocore/value"
)

// BenchmarkLoadFloor puts a store's load of a small config beside the
// floor under it: one bare Get, and one read-only transaction of two keys
// (what the load sends), of etcd's own client on the same server. What
// the store adds is the difference; the floor is the round trip itself,
// which bench/db_bench.py's etcd rows cannot go below. A serializable Get
// is measured for comparison only: the store reads linearizably, so that
// a load sees every save that ended before it, whichever member answers.
func BenchmarkLoadFloor(b *testing.B) {
	e := startEtcd(b)
	cli, err := e.Client()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cli.Close() })
	d, err := db.Open(e.URL("bench"), db.Options{}, dbtest.JSONCodec{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	ctx := context.Background()
	m := value.NewMap(2)
	m.Set("name", "app-1")
	m.Set("port", int64(8001))
	if _, err := d.Save(ctx, "app", m, -1); err != nil {
		b.Fatal(err)
	}
	if _, err := cli.Put(ctx, "floor/a", `{"name": "app-1", "port": 8001}`); err != nil {
		b.Fatal(err)
	}
	must := func(b *testing.B, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("client-get", func(b *testing.B) {
		for range b.N {
			_, err := cli.Get(ctx, "floor/a")
			must(b, err)
		}
	})
	b.Run("client-get-serializable", func(b *testing.B) {
		for range b.N {
			_, err := cli.Get(ctx, "floor/a", clientv3.WithSerializable())
			must(b, err)
		}
	})
	b.Run("client-txn-2-gets", func(b *testing.B) {
		for range b.N {
			_, err := cli.Txn(ctx).Then(clientv3.OpGet("floor/a"), clientv3.OpGet("floor/b")).Commit()
			must(b, err)
		}
	})
	b.Run("store-load", func(b *testing.B) {
		for range b.N {
			_, _, err := d.Load(ctx, "app", 0)
			must(b, err)
		}
	})
}
