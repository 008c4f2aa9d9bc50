package outboxtest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestRecordsCreatesOnceThenUpdates(t *testing.T) {
	var rs Records[string]
	var calls []string
	create := func(tenant, label string) func(int) (string, string, error) {
		return func(seq int) (string, string, error) {
			calls = append(calls, fmt.Sprintf("create %s/%s %d", tenant, label, seq))
			return tenant + label, fmt.Sprint(seq), nil
		}
	}
	update := func(rec string, seq int) (string, error) {
		calls = append(calls, fmt.Sprintf("update %s %d", rec, seq))
		return fmt.Sprint(seq), nil
	}
	for _, s := range []struct{ tenant, label string }{{"t1", "A"}, {"t1", "A"}, {"t2", "A"}, {"t1", "B"}, {"t2", "A"}} {
		if _, err := rs.Append(s.tenant, s.label, create(s.tenant, s.label), update); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"create t1/A 1", "update t1A 2", "create t2/A 3", "create t1/B 4", "update t2A 5"}
	if !slices.Equal(calls, want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
}

func TestRecordsForgetsAFailedCreate(t *testing.T) {
	var rs Records[int]
	boom := errors.New("boom")
	created := 0
	create := func(seq int) (int, string, error) {
		created++
		if created == 1 {
			return 0, "", boom
		}
		return seq, fmt.Sprint(seq), nil
	}
	update := func(rec, seq int) (string, error) { return fmt.Sprintf("%d after %d", seq, rec), nil }
	if _, err := rs.Append("t", "A", create, update); !errors.Is(err, boom) {
		t.Fatalf("first Append: %v, want boom", err)
	}
	for _, want := range []string{"2", "3 after 2"} {
		id, err := rs.Append("t", "A", create, update)
		if err != nil || id != want {
			t.Fatalf("Append = %q, %v; want %q", id, err, want)
		}
	}
}
