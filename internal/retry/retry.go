// Package retry is the one retry loop of sportello's PostgreSQL code: run a
// function again while it fails with an error the caller calls transient,
// a bounded number of times, waiting a growing, slightly randomised time in
// between so that rivals part ways. internal/pgtx retries transactions
// that lost a serialization conflict or a deadlock with it, and
// internal/pgmigrate retries migrations racing another instance.
package retry

import (
	"context"
	"time"
)

// Policy says how often and how patiently to retry.
type Policy struct {
	// Attempts bounds the calls of fn (at least 1).
	Attempts int
	// Wait is the pause after failed attempt n (1-based).
	Wait func(attempt int) time.Duration
	// Transient reports whether a failure may go away by itself.
	Transient func(error) bool
}

// Do calls fn until it succeeds, fails with an error p.Transient refuses,
// or has been called p.Attempts times, and returns fn's last error. When
// ctx ends during a pause, Do returns at once an *Interrupted, which
// matches the context's error and names the last failure.
func Do(ctx context.Context, p Policy, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt >= p.Attempts || !p.Transient(err) {
			return err
		}
		t := time.NewTimer(p.Wait(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return &Interrupted{Last: err, Ctx: ctx.Err()}
		case <-t.C:
		}
	}
}

// Interrupted is Do's error when the context ended while it waited to
// retry. It matches the context's error through errors.Is; Last is the
// failure that would have been retried, for messages and logs.
type Interrupted struct {
	Last error
	Ctx  error
}

// Error names the failure and why it was not retried.
func (e *Interrupted) Error() string { return e.Last.Error() + " (not retried: " + e.Ctx.Error() + ")" }

// Unwrap returns the context's error only, so that errors.Is and
// errors.As see a context error and never the transient failure's type.
func (e *Interrupted) Unwrap() error { return e.Ctx }
