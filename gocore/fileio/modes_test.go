package fileio

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func modeOf(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestNewFilesFollowTheUmask(t *testing.T) {
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}, {0o027, 0o640}, {0o000, 0o644}} {
		old := syscall.Umask(c.umask)
		p := filepath.Join(t.TempDir(), "new.json")
		err := WriteAtomic(p, []byte("{}"), 0o644, false)
		pp := filepath.Join(filepath.Dir(p), "private.json")
		errP := WriteAtomic(pp, []byte("{}"), 0o644, true)
		syscall.Umask(old)
		if err != nil || errP != nil {
			t.Fatal(err, errP)
		}
		if got := modeOf(t, p); got != c.want {
			t.Errorf("umask %#o: mode %#o, want %#o", c.umask, got, c.want)
		}
		if got := modeOf(t, pp); got != 0o600 {
			t.Errorf("umask %#o: private mode %#o", c.umask, got)
		}
	}
}

func TestAnExistingFileKeepsItsModeAndOwner(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.toml")
	os.WriteFile(p, []byte("old"), 0o600)
	os.Chmod(p, 0o664)
	old := syscall.Umask(0o077) // the umask is for new files only
	err := WriteAtomic(p, []byte("new"), 0o644, false)
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	if got := modeOf(t, p); got != 0o664 {
		t.Errorf("mode %#o", got)
	}
	if os.Geteuid() != 0 {
		t.Skip("changing the owner needs root")
	}
	os.Chown(p, 4321, 4322)
	if err := WriteAtomic(p, []byte("newer"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if s := st.Sys().(*syscall.Stat_t); s.Uid != 4321 || s.Gid != 4322 {
		t.Errorf("owner %d:%d, want 4321:4322", s.Uid, s.Gid)
	}
}

func TestSymlinksAreFollowedAndStayLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "app.json")
	os.Mkdir(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("old"), 0o600)
	os.Chmod(real, 0o640)
	link := filepath.Join(dir, "link.json")
	os.Symlink("real/app.json", link)
	link2 := filepath.Join(dir, "link2.json")
	os.Symlink(link, link2)
	if err := WriteAtomic(link2, []byte("new"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	for _, l := range []string{link, link2} {
		if st, _ := os.Lstat(l); st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link", l)
		}
	}
	if got := modeOf(t, real); got != 0o640 {
		t.Errorf("target mode %#o", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("files in the link's directory: %v", entries)
	}
	// A dangling link gets its file; a loop is an error.
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("real/created.json", dangling)
	if err := WriteAtomic(dangling, []byte("c"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "real", "created.json")); string(b) != "c" {
		t.Errorf("created %q", b)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteAtomic(loop, []byte("x"), 0o644, false); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("loop: %v", err)
	}
}

// deadPid is the pid of a process that has exited.
func deadPid(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	return cmd.Process.Pid
}

func TestStaleTemporariesAreRemovedAndOnlyThey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.yaml")
	old := time.Now().Add(-StaleAfter - time.Minute)
	dead, live := deadPid(t), os.Getppid()
	make := func(name string, mtime time.Time) string {
		full := filepath.Join(dir, name)
		os.WriteFile(full, []byte("partial"), 0o600)
		os.Chtimes(full, mtime, mtime)
		return full
	}
	stale := make(fmt.Sprintf(".app.yaml.gocfg-tmp.%d.0a1b2c3d4e5f", dead), old)
	keep := []string{
		make(fmt.Sprintf(".app.yaml.gocfg-tmp.%d.0a1b2c3d4e5f", live), old),        // its writer lives
		make(fmt.Sprintf(".app.yaml.gocfg-tmp.%d.aaaaaaaaaaaa", dead), time.Now()), // recent
		make(fmt.Sprintf(".other.yaml.gocfg-tmp.%d.0a1b2c3d4e5f", dead), old),      // another file's
		make(fmt.Sprintf(".app.yaml.gocfg-tmp.%d.not-hex", dead), old),             // not our name
		make(fmt.Sprintf(".app.yaml.gocfg-tmp.x%d.0a1b2c3d4e5f", dead), old),       // not our name
		make(fmt.Sprintf(".app.yaml.tmp-%d", dead), old),                           // not our name
		make("app.yaml.bak", old),
	}
	if err := WriteAtomic(p, []byte("x: 1"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary is still there: %v", err)
	}
	for _, k := range keep {
		if _, err := os.Stat(k); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(k), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), tempMarker) && !strings.HasSuffix(e.Name(), "5f") && !strings.HasSuffix(e.Name(), "not-hex") && !strings.HasSuffix(e.Name(), "aaaaaaaaaaaa") {
			t.Errorf("this save left its own temporary: %s", e.Name())
		}
	}
}

func TestAVeryLongNameStillSaves(t *testing.T) {
	p := filepath.Join(t.TempDir(), strings.Repeat("n", 250)+".json")
	if err := WriteAtomic(p, []byte("{}"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(p, []byte("{}"), 0o644, false); err != nil {
		t.Fatal(err)
	}
}
