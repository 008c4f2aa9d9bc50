package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB whose Fatalf records the message and ends the
// goroutine, as testing.T's does.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "TestLifecycle" }
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// check runs Check with a recorder and returns its fatal message ("" if
// the check passed).
func check(path string, got []byte) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, got)
	}()
	<-done
	return r.fatal
}

func TestCheck(t *testing.T) {
	saved := *Update
	t.Cleanup(func() { *Update = saved })
	tests := []struct {
		name   string
		file   string // "" for no file
		got    string
		update bool
		fatal  []string // substrings of the fatal message; none: passes
		after  string   // the file's content afterwards
	}{
		{name: "same", file: "a\nb\n", got: "a\nb\n", after: "a\nb\n"},
		{name: "line differs", file: "a\nb\n", got: "a\nc\n", after: "a\nb\n",
			fatal: []string{"LIFECYCLE.md is stale", `line 2 is "b\n" in the file, "c\n" in the test`, "go test -run '^TestLifecycle$' -update"}},
		{name: "test has more", file: "a\n", got: "a\nb\n", after: "a\n",
			fatal: []string{`line 2 is "" in the file, "b\n" in the test`}},
		{name: "file has more", file: "a\nb\n", got: "a\n", after: "a\nb\n",
			fatal: []string{`line 2 is "b\n" in the file, "" in the test`}},
		{name: "end of line", file: "a", got: "a\n", after: "a",
			fatal: []string{`line 1 is "a" in the file, "a\n" in the test`}},
		{name: "missing", got: "a\n",
			fatal: []string{"golden: ", "no such file", "go test -run '^TestLifecycle$' -update", "to create it"}},
		{name: "update rewrites", file: "old\n", got: "new\n", update: true, after: "new\n"},
		{name: "update creates", got: "new\n", update: true, after: "new\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A directory that does not exist yet: -update makes it.
			path := filepath.Join(t.TempDir(), "docs", "LIFECYCLE.md")
			if tt.file != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			*Update = tt.update
			msg := check(path, []byte(tt.got))
			if len(tt.fatal) == 0 && msg != "" {
				t.Fatalf("failed: %s", msg)
			}
			if len(tt.fatal) > 0 && msg == "" {
				t.Fatal("passed, want a failure")
			}
			for _, s := range tt.fatal {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
			after, err := os.ReadFile(path)
			if tt.after == "" {
				if !os.IsNotExist(err) {
					t.Errorf("file written without -update (err %v)", err)
				}
				return
			}
			if err != nil || string(after) != tt.after {
				t.Errorf("file is %q (err %v), want %q", after, err, tt.after)
			}
		})
	}
}

// TestUpdateFlag checks that -update on the command line is what Check
// reads.
func TestUpdateFlag(t *testing.T) {
	f := flag.Lookup("update")
	if f == nil || f.DefValue != "false" {
		t.Fatalf("flag -update: %+v", f)
	}
	saved := f.Value.String()
	t.Cleanup(func() { _ = f.Value.Set(saved) })
	if err := flag.Set("update", "true"); err != nil {
		t.Fatal(err)
	}
	if !*Update {
		t.Error("-update=true leaves Update false")
	}
	if err := flag.Set("update", "false"); err != nil {
		t.Fatal(err)
	}
	if *Update {
		t.Error("-update=false leaves Update true")
	}
}
