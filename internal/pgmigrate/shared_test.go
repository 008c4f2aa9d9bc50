package pgmigrate_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	authpg "github.com/sportello/sportello/auth/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
	paymentpg "github.com/sportello/sportello/payment/pgstore"
	practicepg "github.com/sportello/sportello/practice/pgstore"
	ticketpg "github.com/sportello/sportello/ticket/pgstore"
)

// TestEveryStoreSharesOneDatabase starts every package's PostgreSQL store on
// one database from two pools at once, as several application instances
// would at their first deployment, then once more: each package keeps its
// own tables and migration history, so none gets in another's way.
func TestEveryStoreSharesOneDatabase(t *testing.T) {
	pools := pgtest.NewPools(t, 2)
	ctx := context.Background()
	starters := map[string]func(context.Context, *pgxpool.Pool) error{
		"auth":     func(ctx context.Context, p *pgxpool.Pool) error { _, err := authpg.New(ctx, p); return err },
		"payment":  func(ctx context.Context, p *pgxpool.Pool) error { _, err := paymentpg.New(ctx, p); return err },
		"practice": func(ctx context.Context, p *pgxpool.Pool) error { _, err := practicepg.New(ctx, p); return err },
		"ticket":   func(ctx context.Context, p *pgxpool.Pool) error { _, err := ticketpg.New(ctx, p); return err },
	}
	for round := 1; round <= 2; round++ {
		var wg sync.WaitGroup
		for name, start := range starters {
			for _, pool := range pools {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := start(ctx, pool); err != nil {
						t.Errorf("round %d: %s store: %v", round, name, err)
					}
				}()
			}
		}
		wg.Wait()
	}
	rows, err := pools[0].Query(ctx, `SELECT component, count(*) FROM sportello_migrations GROUP BY component ORDER BY component`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			t.Fatal(err)
		}
		seen[c] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range starters {
		if seen[name] == 0 {
			t.Errorf("no migration recorded for %s; recorded: %v", name, seen)
		}
	}
}
