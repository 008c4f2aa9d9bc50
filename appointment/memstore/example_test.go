package memstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/memstore"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()
	start := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)
	c := appointment.Capacity{Now: start.Add(-time.Hour), Queue: 1}
	for _, id := range []appointment.ID{"b1", "b2"} {
		b := &appointment.Booking{ID: id, Tenant: "t1", Calendar: "anagrafe", Start: start, End: start.Add(30 * time.Minute),
			Status: appointment.StatusApproved, FiscalCode: string("CF-" + id)}
		fmt.Println(id, s.Book(ctx, b, c, nil))
	}
	held, _ := s.HeldPlaces(ctx, "t1", "anagrafe", start, start.Add(time.Hour), c.Now)
	fmt.Println(len(held), held[0].Places)
	// Output:
	// b1 <nil>
	// b2 appointment: slot full
	// 1 1
}
