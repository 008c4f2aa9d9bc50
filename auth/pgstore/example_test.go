package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/pgstore"
)

// Production wiring: one pool per process; every process may run New, the
// migrations are applied once.
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
	desk, err := auth.New(auth.Config{
		Store:    store,
		Notifier: auth.NotifierFunc(func(context.Context, auth.Notification) error { return nil }),
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = desk
}
