package payment_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/memstore"
)

func TestGeneratorNeverIssuesTwiceUnderConcurrency(t *testing.T) {
	store := memstore.New()
	// Two generators on one store sequence stand for two processes.
	g1, err := payment.NewGenerator("01", payment.StoreSequence(store, "t", "notice"))
	require.NoError(t, err)
	g2, err := payment.NewGenerator("01", payment.StoreSequence(store, "t", "notice"))
	require.NoError(t, err)
	const goroutines, each = 32, 50
	codes := make(chan payment.NoticeCode, goroutines*each)
	var wg sync.WaitGroup
	for i := range goroutines {
		g := g1
		if i%2 == 1 {
			g = g2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				c, err := g.Next(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				codes <- c
			}
		}()
	}
	wg.Wait()
	close(codes)
	seen := map[payment.NoticeCode]bool{}
	for c := range codes {
		require.False(t, seen[c], "code issued twice")
		seen[c] = true
		assert.Equal(t, "01", c.SegregationCode())
		_, err := payment.ParseNoticeCode(c.String())
		require.NoError(t, err)
	}
	assert.Len(t, seen, goroutines*each)
}

func TestNewGeneratorRefusals(t *testing.T) {
	seq := payment.SequenceFunc(func(context.Context) (uint64, error) { return 1, nil })
	for _, s := range []string{"", "1", "001", "a1", "-1"} {
		_, err := payment.NewGenerator(s, seq)
		assert.ErrorIs(t, err, payment.ErrValidation, "segregation code %q", s)
	}
	_, err := payment.NewGenerator("01", nil)
	assert.Error(t, err)
}

func TestGeneratorSequenceErrors(t *testing.T) {
	boom := errors.New("down")
	g, err := payment.NewGenerator("01", payment.SequenceFunc(func(context.Context) (uint64, error) { return 0, boom }))
	require.NoError(t, err)
	_, err = g.Next(context.Background())
	assert.ErrorIs(t, err, boom)

	g, err = payment.NewGenerator("01", payment.SequenceFunc(func(context.Context) (uint64, error) { return payment.IUVBaseMax, nil }))
	require.NoError(t, err)
	_, err = g.Next(context.Background())
	assert.Error(t, err, "an exhausted sequence is refused")
}
