package payment

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Sequence hands out increasing numbers that never repeat, even under
// concurrent use across processes. The host provides it; StoreSequence is
// one backed by the Store.
type Sequence interface {
	// Next returns the next value, greater than every value returned
	// before.
	Next(ctx context.Context) (uint64, error)
}

// SequenceFunc adapts a function to Sequence.
type SequenceFunc func(ctx context.Context) (uint64, error)

// Next calls f.
func (f SequenceFunc) Next(ctx context.Context) (uint64, error) { return f(ctx) }

// StoreSequence returns the Sequence of the named counter of tenant in s
// (Store.NextSequence): unique across every process sharing s.
func StoreSequence(s Store, tenant, name string) Sequence {
	return SequenceFunc(func(ctx context.Context) (uint64, error) {
		return s.NextSequence(ctx, tenant, name)
	})
}

// Generator issues aux-3 notice codes for one segregation code: each IUV
// base is the next value of a Sequence, so a Generator never issues the same
// code twice as long as its Sequence never repeats, whatever the number of
// goroutines or processes sharing it. It is safe for concurrent use.
type Generator struct {
	segregation int
	seq         Sequence
}

// NewGenerator returns a Generator issuing codes with the two-digit
// segregation code (e.g. "01") from seq.
func NewGenerator(segregationCode string, seq Sequence) (*Generator, error) {
	if seq == nil {
		return nil, errors.New("payment: NewGenerator: a Sequence is required")
	}
	n, err := strconv.Atoi(segregationCode)
	if len(segregationCode) != 2 || err != nil || n < 0 {
		return nil, &ValidationError{Fields: []FieldError{{Field: "segregation_code", Rule: "format", Message: "must be two digits"}}}
	}
	return &Generator{segregation: n, seq: seq}, nil
}

// Next issues a new notice code. It fails when the sequence fails or passes
// the 13 digits of an IUV base (the sequence is exhausted).
func (g *Generator) Next(ctx context.Context) (NoticeCode, error) {
	n, err := g.seq.Next(ctx)
	if err != nil {
		return NoticeCode{}, fmt.Errorf("payment: notice code sequence: %w", err)
	}
	if n >= IUVBaseMax {
		return NoticeCode{}, errors.New("payment: notice code sequence exhausted")
	}
	return NewSegregationNoticeCode(g.segregation, n)
}
