// Package conctest runs the concurrent calls of the conformance kits: many
// goroutines released at the same instant against one or more stores, with
// their outcomes counted.
package conctest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// Run calls fn(0), …, fn(n-1) in n goroutines released together, and
// counts the calls that succeeded and those refused with an error matching
// refusal (none when refusal is nil); any other error fails t.
func Run(t testing.TB, n int, refusal error, fn func(i int) error) (ok, refused int) {
	t.Helper()
	var oks, refusals atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := fn(i)
			switch {
			case err == nil:
				oks.Add(1)
			case refusal != nil && errors.Is(err, refusal):
				refusals.Add(1)
			default:
				t.Errorf("call %d: unexpected error: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return int(oks.Load()), int(refusals.Load())
}
