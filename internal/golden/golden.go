package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Update is the -update flag registered by this package: true when the
// test binary runs with -update. Check reads it; test helpers that keep
// golden files of their own read it too, rather than registering a second
// flag of the same name.
var Update = flag.Bool("update", false, "rewrite golden files with what the tests compute")

// Check compares got with the file at path (relative to the test's
// package directory). With -update it first writes got to path, making
// its directory if needed. A file that cannot be read, or whose content
// differs from got, stops the test with t.Fatalf naming the file, the
// first line that differs and the command that rewrites it.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run %s to create it)", err, rerun(t))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: %s; run %s and review the change", path, firstDiff(want, got), rerun(t))
	}
}

// rerun is the command that rewrites t's golden files, run in the test's
// package directory.
func rerun(t testing.TB) string {
	return fmt.Sprintf("go test -run '^%s$' -update", t.Name())
}

// firstDiff describes the first line where the file (want) and the
// computed content (got) differ, each line quoted with its end of line;
// "" for equal contents.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.SplitAfter(want, []byte("\n")), bytes.SplitAfter(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d is %q in the file, %q in the test", i+1, w, g)
		}
	}
	return ""
}
