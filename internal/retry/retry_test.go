package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/retry"
)

var errBusy = errors.New("busy")

func policy(attempts int) retry.Policy {
	return retry.Policy{
		Attempts:  attempts,
		Wait:      func(int) time.Duration { return time.Millisecond },
		Transient: func(err error) bool { return errors.Is(err, errBusy) },
	}
}

func TestDo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		attempts  int
		failures  int
		failWith  error
		wantCalls int
		wantErr   error
	}{
		{"succeeds at once", 3, 0, nil, 1, nil},
		{"succeeds after transient failures", 3, 2, errBusy, 3, nil},
		{"gives up after the attempts", 3, 5, errBusy, 3, errBusy},
		{"does not retry a permanent failure", 3, 5, errors.ErrUnsupported, 1, errors.ErrUnsupported},
		{"zero attempts still calls once", 0, 5, errBusy, 1, errBusy},
	}
	for _, tt := range tests {
		calls := 0
		err := retry.Do(ctx, policy(tt.attempts), func() error {
			calls++
			if calls <= tt.failures {
				return tt.failWith
			}
			return nil
		})
		if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
			t.Errorf("%s: %d calls, err %v; want %d calls, err %v", tt.name, calls, err, tt.wantCalls, tt.wantErr)
		}
	}
}

func TestDoStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retry.Do(ctx, policy(5), func() error { calls++; cancel(); return errBusy })
	if calls != 1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("%d calls, err %v; want 1 call and context.Canceled", calls, err)
	}
	if errors.Is(err, errBusy) {
		t.Error("the interrupted failure is reachable through errors.Is")
	}
	var in *retry.Interrupted
	if !errors.As(err, &in) || in.Last != errBusy || err.Error() != "busy (not retried: context canceled)" {
		t.Errorf("err = %q, want the last failure named", err)
	}
}
