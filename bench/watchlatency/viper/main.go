// Command viperwatch is the peer of bench/watchlatency: the time from a
// file saved by rename to viper's OnConfigChange callback seeing the new
// value, printed as a JSON list of nanoseconds. It is a module of its own
// so that viper stays out of gocfg's go.mod.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/viper"
)

func main() {
	n := flag.Int("n", 200, "changes")
	dir := flag.String("dir", "", "a scratch directory")
	flag.Parse()
	p := filepath.Join(*dir, "app.yaml")
	save := func(text string) {
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			panic(err)
		}
		if err := os.Rename(tmp, p); err != nil {
			panic(err)
		}
	}
	save("n: -1\n")
	v := viper.New()
	v.SetConfigFile(p)
	if err := v.ReadInConfig(); err != nil {
		panic(err)
	}
	seen := make(chan int, 1024)
	// The callback runs after viper has read the file again, on viper's
	// watcher goroutine, where reading v is safe.
	v.OnConfigChange(func(fsnotify.Event) { seen <- v.GetInt("n") })
	v.WatchConfig()
	time.Sleep(100 * time.Millisecond) // WatchConfig starts its watcher asynchronously
	out := make([]int64, 0, *n)
	for i := 0; i < *n; i++ {
		t0 := time.Now()
		save(fmt.Sprintf("n: %d\nname: bench\n", i))
		timeout := time.After(30 * time.Second)
	wait:
		for {
			select {
			case got := <-seen:
				if got == i {
					out = append(out, int64(time.Since(t0)))
					break wait
				}
			case <-timeout:
				fmt.Fprintf(os.Stderr, "viperwatch: change %d never seen\n", i)
				os.Exit(1)
			}
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
