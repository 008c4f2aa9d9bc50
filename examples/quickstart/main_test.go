package main

import (
	"context"
	"testing"
)

func TestQuickstartEndsAsExpected(t *testing.T) {
	ok, err := run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("some outcomes differ from the expected ones")
	}
}

func TestTourCountsFailedChecks(t *testing.T) {
	var tr tour
	tr.check(true, "fine")
	tr.check(false, "not fine")
	tr.refused(nil, context.Canceled, "nothing refused")
	if tr.failed != 2 {
		t.Fatalf("failed = %d, want 2", tr.failed)
	}
}
