package codectest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The watchdog must kill the process when a body runs too long, and stay
// quiet when it returns in time. The crash is observed from a child
// process running this same test binary.
func TestWatchdog(t *testing.T) {
	if os.Getenv("CODECTEST_WATCHDOG_CHILD") == "1" {
		HangLimit = 50 * time.Millisecond
		Watchdog([]byte("quick"))()
		time.Sleep(100 * time.Millisecond) // stopped: nothing happens
		defer Watchdog([]byte("slow input"))()
		time.Sleep(5 * time.Second)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdog$")
	cmd.Env = append(os.Environ(), "CODECTEST_WATCHDOG_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a hang?") || !strings.Contains(string(out), `"slow input"`) {
		t.Fatalf("the watchdog did not fire as expected: %v\n%s", err, out)
	}
	if strings.Contains(string(out), `"quick"`) {
		t.Fatalf("a stopped watchdog fired:\n%s", out)
	}
}
