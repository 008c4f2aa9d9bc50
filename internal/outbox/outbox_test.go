package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
)

func TestLimit(t *testing.T) {
	for _, c := range []struct{ in, want int }{
		{-5, 100}, {-1, 100}, {0, 100}, {1, 1}, {100, 100}, {999, 999}, {1000, 1000}, {1001, 1000}, {1 << 40, 1000},
	} {
		if got := outbox.Limit(c.in); got != c.want {
			t.Errorf("Limit(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

// memHarness adapts a Memory of IDs to the kit.
type memHarness struct {
	m   *outbox.Memory[string]
	mu  *sync.Mutex
	seq *int
}

func (h memHarness) Append(_ context.Context, tenant, record string) (string, error) {
	h.mu.Lock()
	*h.seq++
	id := tenant + "-" + strconv.Itoa(*h.seq)
	h.mu.Unlock()
	h.m.Add(tenant, record, id, id)
	return id, nil
}

func (h memHarness) Claim(_ context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	return h.m.Claim(tenant, now, lease, limit), nil
}

func (h memHarness) Ack(_ context.Context, tenant, id string) error {
	h.m.Ack(tenant, id)
	return nil
}

func TestMemoryConformance(t *testing.T) {
	outboxtest.Run(t, func(t *testing.T, n int) []outboxtest.Harness {
		h := memHarness{m: &outbox.Memory[string]{}, mu: &sync.Mutex{}, seq: new(int)}
		return slices.Repeat([]outboxtest.Harness{h}, n)
	})
}

func TestMemoryClaimCappedAtMaxLimit(t *testing.T) {
	var m outbox.Memory[int]
	for i := range outbox.MaxLimit + 1 {
		m.Add("t", strconv.Itoa(i%3), strconv.Itoa(i), i)
	}
	if got := m.Claim("t", time.Unix(0, 0), time.Minute, outbox.MaxLimit+1); len(got) != outbox.MaxLimit {
		t.Fatalf("claim with limit %d took %d entries, want %d", outbox.MaxLimit+1, len(got), outbox.MaxLimit)
	}
	if m.Len("t") != outbox.MaxLimit+1 {
		t.Fatalf("Len = %d after a claim, want %d", m.Len("t"), outbox.MaxLimit+1)
	}
}

func TestMemoryClonesInAndOut(t *testing.T) {
	m := outbox.Memory[[]string]{Clone: slices.Clone[[]string]}
	in := []string{"a"}
	m.Add("t", "r", "1", in)
	in[0] = "changed by the caller"
	out := m.Claim("t", time.Unix(0, 0), 0, 0)
	if len(out) != 1 || out[0][0] != "a" {
		t.Fatalf("claim = %v, want the value as added", out)
	}
	out[0][0] = "changed by the claimer"
	if again := m.Claim("t", time.Unix(0, 0), 0, 0); again[0][0] != "a" {
		t.Fatalf("second claim = %v, want the value as added", again)
	}
}

func TestMemoryAckLeavesOtherTenants(t *testing.T) {
	var m outbox.Memory[string]
	m.Add("t1", "r", "x", "x")
	m.Add("t2", "r", "x", "x")
	m.Ack("t2", "x")
	m.Ack("t2", "x")
	if m.Len("t1") != 1 || m.Len("t2") != 0 {
		t.Fatalf("Len after t2's ack: t1 %d, t2 %d; want 1, 0", m.Len("t1"), m.Len("t2"))
	}
}

// steps is a Deliverer over a Memory of IDs whose record is the ID's first
// letter, with failures and a log of sends.
type steps struct {
	m      outbox.Memory[string]
	fail   map[string]error
	ackErr error
	sent   []string
	failed []string
}

func (s *steps) deliverer(now time.Time) outbox.Deliverer[string] {
	return outbox.Deliverer[string]{
		Claim: func(_ context.Context, limit int) ([]string, error) {
			return s.m.Claim("t", now, time.Minute, limit), nil
		},
		Send: func(_ context.Context, id string) error {
			if err := s.fail[id]; err != nil {
				return err
			}
			s.sent = append(s.sent, id)
			return nil
		},
		Ack: func(_ context.Context, id string) error {
			if s.ackErr != nil {
				return s.ackErr
			}
			s.m.Ack("t", id)
			return nil
		},
		Record: func(id string) string { return id[:1] },
		Failed: func(id string, _ error) { s.failed = append(s.failed, id) },
	}
}

func newSteps(ids ...string) *steps {
	s := &steps{fail: map[string]error{}}
	for _, id := range ids {
		s.m.Add("t", id[:1], id, id)
	}
	return s
}

func TestDeliverReturnsFirstFailureAndGoesOnWithOtherRecords(t *testing.T) {
	s := newSteps("a1", "b1", "a2", "c1", "b2", "c2")
	first, second := errors.New("first"), errors.New("second")
	s.fail["a1"], s.fail["c2"] = first, second
	n, err := s.deliverer(time.Unix(0, 0)).Deliver(context.Background(), 0)
	if n != 3 || !errors.Is(err, first) {
		t.Fatalf("Deliver = %d, %v; want 3 and the first failure", n, err)
	}
	if want := []string{"b1", "c1", "b2"}; !slices.Equal(s.sent, want) {
		t.Errorf("sent %v, want %v", s.sent, want)
	}
	if want := []string{"a1", "c2"}; !slices.Equal(s.failed, want) {
		t.Errorf("Failed told of %v, want %v", s.failed, want)
	}
	if s.m.Len("t") != 3 {
		t.Errorf("%d entries left, want 3 (a1, a2, c2)", s.m.Len("t"))
	}
}

func TestDeliverStopsAtAckError(t *testing.T) {
	s := newSteps("a1", "b1")
	s.ackErr = errors.New("storage down")
	n, err := s.deliverer(time.Unix(0, 0)).Deliver(context.Background(), 0)
	if n != 0 || !errors.Is(err, s.ackErr) {
		t.Fatalf("Deliver = %d, %v; want 0 and the ack error", n, err)
	}
	if want := []string{"a1"}; !slices.Equal(s.sent, want) {
		t.Errorf("sent %v, want %v", s.sent, want)
	}
}

func TestDeliverStopsAtClaimError(t *testing.T) {
	down := errors.New("storage down")
	d := outbox.Deliverer[string]{Claim: func(context.Context, int) ([]string, error) { return nil, down }}
	if n, err := d.Deliver(context.Background(), 0); n != 0 || !errors.Is(err, down) {
		t.Fatalf("Deliver = %d, %v; want 0 and the claim error", n, err)
	}
}

func TestDeliverStopsWhenContextEnds(t *testing.T) {
	s := newSteps("a1", "b1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := s.deliverer(time.Unix(0, 0)).Deliver(ctx, 0); n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver = %d, %v; want 0, context.Canceled", n, err)
	}
	if len(s.sent) != 0 {
		t.Errorf("sent %v after the context ended", s.sent)
	}
}

func TestDeliverPassesLimitThroughLimit(t *testing.T) {
	for _, c := range []struct{ in, want int }{{0, 100}, {-3, 100}, {7, 7}, {5000, 1000}} {
		var got int
		d := outbox.Deliverer[string]{Claim: func(_ context.Context, limit int) ([]string, error) { got = limit; return nil, nil }}
		if _, err := d.Deliver(context.Background(), c.in); err != nil || got != c.want {
			t.Errorf("Deliver(limit %d) claimed with %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func BenchmarkMemoryClaimAck(b *testing.B) {
	b.ReportAllocs()
	var m outbox.Memory[int]
	at := time.Unix(0, 0)
	for i := 0; b.Loop(); i++ {
		id := strconv.Itoa(i)
		m.Add("t", strconv.Itoa(i%16), id, i)
		for range m.Claim("t", at, time.Minute, 0) {
			m.Ack("t", id)
		}
	}
}

func ExampleDeliverer() {
	var m outbox.Memory[string]
	for _, note := range []string{"payment-1 created", "payment-2 created", "payment-1 paid"} {
		m.Add("comune-a", note[:9], note, note)
	}
	now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	d := outbox.Deliverer[string]{
		Claim: func(_ context.Context, limit int) ([]string, error) {
			return m.Claim("comune-a", now, time.Minute, limit), nil
		},
		Send: func(_ context.Context, note string) error {
			if note == "payment-1 created" {
				return errors.New("mail server down")
			}
			fmt.Println("sent:", note)
			return nil
		},
		Ack:    func(_ context.Context, note string) error { m.Ack("comune-a", note); return nil },
		Record: func(note string) string { return note[:9] },
	}
	n, err := d.Deliver(context.Background(), 0)
	fmt.Println(n, err, m.Len("comune-a"))
	// Output:
	// sent: payment-2 created
	// 1 mail server down 2
}
