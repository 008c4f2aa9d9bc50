package pgstore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/appointment/pgstore"
)

// Open a Store on a pool; hand it to appointment.New as Config.Store.
func Example() {
	url := os.Getenv("SPORTELLO_PG_URL")
	if url == "" {
		return
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pool) // applies the embedded migrations
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store
}
