package codectest

import (
	"fmt"
	"time"
)

// HangLimit bounds one run of a fuzz target's body. It is far above what
// any input up to the fuzzer's size limit takes (about 0.1 s for 1 MB).
var HangLimit = 20 * time.Second

// Watchdog makes a hang in a fuzz target a crash: Go's fuzzer has no time
// limit per input, so an input that loops forever would only stall the run
// until -fuzztime ends, which then reports success. If the returned stop
// function has not been called within HangLimit, the watchdog panics in
// its own goroutine, which kills the fuzz worker: the fuzzer reports the
// failure and saves the input under testdata/fuzz. Use it as
//
//	defer codectest.Watchdog(data)()
func Watchdog(data []byte) (stop func()) {
	start := time.Now()
	limit := HangLimit
	t := time.AfterFunc(limit, func() {
		panic(fmt.Sprintf("fuzz input still running after %v (a hang?): %d bytes, %q", time.Since(start).Round(time.Millisecond), len(data), head(data)))
	})
	return func() { t.Stop() }
}

func head(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}
