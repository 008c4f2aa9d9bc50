package conctest_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/conctest"
)

var errTaken = errors.New("taken")

// TestRunCountsOneWinner plays the pattern the kits check: of many
// concurrent claims on one thing exactly one wins, the rest are refused.
func TestRunCountsOneWinner(t *testing.T) {
	var mu sync.Mutex
	claimed := false
	ok, refused := conctest.Run(t, 50, errTaken, func(int) error {
		mu.Lock()
		defer mu.Unlock()
		if claimed {
			return errTaken
		}
		claimed = true
		return nil
	})
	if ok != 1 || refused != 49 {
		t.Fatalf("ok=%d refused=%d, want 1 and 49", ok, refused)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(string, ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

// TestRunReportsUnexpectedErrors checks that an error other than the
// refusal fails the test instead of being counted.
func TestRunReportsUnexpectedErrors(t *testing.T) {
	fake := &recorder{TB: t}
	ok, refused := conctest.Run(fake, 3, nil, func(i int) error {
		if i == 1 {
			return errors.New("boom")
		}
		return nil
	})
	if ok != 2 || refused != 0 || !fake.failed {
		t.Fatalf("ok=%d refused=%d failed=%v, want 2, 0 and a failed test", ok, refused, fake.failed)
	}
}
