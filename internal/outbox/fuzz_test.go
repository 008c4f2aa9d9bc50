package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// FuzzDeliverKeepsRecordOrder plays random sequences of appends (two
// tenants, three records), deliveries through a Deliverer over a Memory
// with random records failing, and clock moves, and checks the rule's
// promises: each entry is delivered once, a record's entries in the order
// they were appended, only the failing record is held back, and once
// nothing fails and the leases end, everything is delivered.
func FuzzDeliverKeepsRecordOrder(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 2, 0, 3, 1, 1, 2, 6, 1, 0})
	f.Add([]byte{0, 4, 0, 4, 0, 5, 1, 2, 0, 4, 1, 5, 2, 7, 1, 3})
	f.Add([]byte{0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 2, 1, 1, 4})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		ctx := context.Background()
		var m outbox.Memory[string]
		now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		const lease = time.Minute
		record := map[string]string{} // entry ID -> tenant/record
		appended := map[string][]string{}
		delivered := map[string][]string{}
		seen := map[string]bool{}
		deliver := func(tenant string, failing string, limit int) {
			d := outbox.Deliverer[string]{
				Claim: func(_ context.Context, limit int) ([]string, error) {
					return m.Claim(tenant, now, lease, limit), nil
				},
				Send: func(_ context.Context, id string) error {
					if record[id] == failing {
						return errors.New("down")
					}
					if seen[id] {
						t.Fatalf("%s delivered twice", id)
					}
					seen[id] = true
					delivered[record[id]] = append(delivered[record[id]], id)
					return nil
				},
				Ack:    func(_ context.Context, id string) error { m.Ack(tenant, id); return nil },
				Record: func(id string) string { return record[id] },
			}
			if _, err := d.Deliver(ctx, limit); err != nil && failing == "" {
				t.Fatalf("Deliver without failures: %v", err)
			}
		}
		for i := 0; i+1 < len(ops); i += 2 {
			op, a := ops[i]%3, int(ops[i+1])
			tenant := fmt.Sprintf("t%d", a%2)
			rec := fmt.Sprintf("%s/r%d", tenant, (a/2)%3)
			switch op {
			case 0:
				id := fmt.Sprintf("e%d", i)
				record[id] = rec
				appended[rec] = append(appended[rec], id)
				m.Add(tenant, rec, id, id)
			case 1:
				failing := ""
				if a%4 == 0 {
					failing = rec
				}
				deliver(tenant, failing, a%5)
			case 2:
				now = now.Add(time.Duration(a%8) * 20 * time.Second)
			}
		}
		// Nothing fails any more: after the leases, everything goes out.
		now = now.Add(lease)
		for _, tenant := range []string{"t0", "t1"} {
			for range 100 {
				deliver(tenant, "", 0)
				if m.Len(tenant) == 0 {
					break
				}
			}
		}
		for rec, ids := range appended {
			got := delivered[rec]
			if len(got) != len(ids) {
				t.Fatalf("record %s: delivered %v, appended %v", rec, got, ids)
			}
			for j := range ids {
				if got[j] != ids[j] {
					t.Fatalf("record %s: delivered %v, appended %v", rec, got, ids)
				}
			}
		}
	})
}
