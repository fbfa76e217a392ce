package tomlfmt

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocfg/gocfg/gocore/codec/internal/codectest"
	"github.com/gocfg/gocfg/gocore/value"
)

// knownDeviations lists toml-test cases (TOML 1.1.0 manifest) that this
// package does not pass, with the reason.
var knownDeviations = map[string]string{}

func manifest(t *testing.T, name string) (string, []string) {
	dir := codectest.Conformance()
	if dir == "" {
		t.Skip("conformance suites not found")
	}
	root := filepath.Join(dir, "toml-test", "tests")
	f, err := os.Open(filepath.Join(root, name))
	if err != nil {
		t.Skipf("toml-test manifest: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasSuffix(l, ".toml") {
			out = append(out, l)
		}
	}
	return root, out
}

// TestTOMLTest runs toml-test's TOML 1.1.0 manifest: valid cases must decode
// to the tagged JSON beside them (compared by meaning), invalid ones must
// fail.
func TestTOMLTest(t *testing.T) {
	runManifest(t, "1.1.0", knownDeviations, Decode)
}

// knownDeviations10 lists what differs on the TOML 1.0.0 manifest read by
// Decode (TOML 1.1): the documents TOML 1.1 made valid, which a 1.1 reader
// accepts (TestTOMLTest10 checks that the 1.1.0 manifest does not list
// them as invalid).
var knownDeviations10 = map[string]string{
	"invalid/datetime/no-secs.toml":            "TOML 1.1 allows an offset datetime without seconds",
	"invalid/local-datetime/no-secs.toml":      "TOML 1.1 allows a local datetime without seconds",
	"invalid/local-time/no-secs.toml":          "TOML 1.1 allows a local time without seconds",
	"invalid/inline-table/linebreak-01.toml":   "TOML 1.1 allows line breaks inside inline tables",
	"invalid/inline-table/linebreak-02.toml":   "TOML 1.1 allows line breaks inside inline tables",
	"invalid/inline-table/linebreak-03.toml":   "TOML 1.1 allows line breaks inside inline tables",
	"invalid/inline-table/linebreak-04.toml":   "TOML 1.1 allows line breaks inside inline tables",
	"invalid/inline-table/trailing-comma.toml": "TOML 1.1 allows a trailing comma in an inline table",
	"invalid/string/basic-byte-escapes.toml":   "TOML 1.1 adds the \\xHH escape",
}

// TestTOMLTest10 runs toml-test's TOML 1.0.0 manifest.
func TestTOMLTest10(t *testing.T) {
	runManifest(t, "1.0.0", knownDeviations10, Decode)
	_, files11 := manifest(t, "files-toml-1.1.0")
	for _, f := range files11 {
		if why, ok := knownDeviations10[f]; ok && strings.HasPrefix(f, "invalid/") {
			t.Errorf("%s is invalid in TOML 1.1.0 too, so %q does not excuse it", f, why)
		}
	}
}

// TestTOMLTest10Strict runs the TOML 1.0.0 manifest through DecodeTOML10,
// which refuses what TOML 1.1 added: every invalid case is refused.
func TestTOMLTest10Strict(t *testing.T) {
	runManifest(t, "1.0.0", knownDeviations, DecodeTOML10)
}

func runManifest(t *testing.T, version string, knownDeviations map[string]string, decode func([]byte) (*value.Doc, error)) {
	root, files := manifest(t, "files-toml-"+version)
	var vPass, vN, iPass, iN int
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		doc, derr := decode(data)
		ok := false
		var why string
		if strings.HasPrefix(f, "valid/") {
			vN++
			if derr != nil {
				why = derr.Error()
			} else {
				jb, err := os.ReadFile(filepath.Join(root, strings.TrimSuffix(f, ".toml")+".json"))
				if err != nil {
					t.Fatal(err)
				}
				var want any
				if err := json.Unmarshal(jb, &want); err != nil {
					t.Fatal(err)
				}
				if ok = matches(want, doc.Root); ok {
					vPass++
				} else {
					why = "decoded to a different value"
				}
			}
		} else {
			iN++
			if ok = derr != nil; ok {
				iPass++
			} else {
				why = "accepted"
			}
		}
		if ok {
			continue
		}
		if reason, known := knownDeviations[f]; known {
			t.Logf("known deviation %s: %s", f, reason)
			continue
		}
		t.Errorf("%s: %s", f, why)
	}
	t.Logf("toml-test %s: valid %d/%d, invalid %d/%d", version, vPass, vN, iPass, iN)
}

// matches compares a tagged toml-test JSON value with a decoded value.
func matches(want, got any) bool {
	return codectest.SameTree(want, got, func(want, got any) (same, handled bool) {
		if w, ok := want.(map[string]any); ok && len(w) == 2 {
			typ, ok1 := w["type"].(string)
			s, ok2 := w["value"].(string)
			if ok1 && ok2 {
				return leafMatches(typ, s, got), true
			}
		}
		return false, false
	})
}

func leafMatches(typ, s string, got any) bool {
	ms := func(t time.Time) time.Time { return t.Truncate(time.Millisecond) }
	switch typ {
	case "string":
		return got == s
	case "bool":
		return got == (s == "true")
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		return err == nil && got == n
	case "float":
		g, ok := got.(float64)
		var w float64
		switch strings.TrimPrefix(s, "+") {
		case "nan", "-nan":
			return ok && math.IsNaN(g)
		case "inf":
			w = math.Inf(1)
		case "-inf":
			w = math.Inf(-1)
		default:
			var err error
			if w, err = strconv.ParseFloat(s, 64); err != nil {
				return false
			}
		}
		return ok && g == w
	case "datetime":
		g, ok := got.(time.Time)
		w, err := time.Parse(time.RFC3339Nano, strings.ToUpper(strings.Replace(s, " ", "T", 1)))
		return ok && err == nil && ms(g).Equal(ms(w))
	case "datetime-local":
		g, ok := got.(value.LocalDateTime)
		w, err := time.Parse("2006-01-02T15:04:05.999999999", strings.ToUpper(strings.Replace(s, " ", "T", 1)))
		return ok && err == nil && ms(w).Equal(ms(asTime(g.Date, g.Time)))
	case "date-local":
		g, ok := got.(value.LocalDate)
		return ok && g.String() == s
	case "time-local":
		g, ok := got.(value.LocalTime)
		w, err := time.Parse("15:04:05.999999999", s)
		return ok && err == nil && ms(w).Equal(ms(asTime(value.LocalDate{Year: 0, Month: 1, Day: 1}, g)))
	}
	return false
}

func asTime(d value.LocalDate, t value.LocalTime) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
}
