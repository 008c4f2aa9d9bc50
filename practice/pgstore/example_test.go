package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/practice/pgstore"
)

// Production wiring: one pool per process; every process may run New, the
// migrations are applied once. The Store then goes in practice.Config.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pool)
	if err != nil {
		log.Fatal(err)
	}
	_ = store // practice.New(practice.Config{Store: store, ...})
}
