package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/pgtest"
)

// TestSelftestOnPostgreSQL runs the back office the way `-pg URL` does,
// twice on one database: the first start seeds it, the second finds the
// tenant set up and seeds nothing; both pass the self-test.
func TestSelftestOnPostgreSQL(t *testing.T) {
	url := pgtest.NewDatabase(t)
	for i, want := range []string{"seeded", "existing data"} {
		var out bytes.Buffer
		if err := run(context.Background(), options{tenant: "comune-di-prova", pg: url, selftest: true}, &out); err != nil {
			t.Fatalf("run %d (%s): %v\n%s", i+1, want, err, out.String())
		}
		if !strings.Contains(out.String(), "self-test passed") {
			t.Fatalf("run %d: %s", i+1, out.String())
		}
	}
}
