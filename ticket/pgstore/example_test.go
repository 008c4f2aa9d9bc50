package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/fsblob"
	"github.com/sportello/sportello/ticket/pgstore"
)

// Production wiring: one pool per process, requests in PostgreSQL and
// attachment content on a filesystem. Every process may run New: the
// migrations are applied once. (Not run by go test: it needs a database.)
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
	blobs, err := fsblob.New("/var/lib/helpdesk/attachments")
	if err != nil {
		log.Fatal(err)
	}
	desk, err := ticket.New(ticket.Config{Store: store, Blobs: blobs})
	if err != nil {
		log.Fatal(err)
	}
	_ = desk
}
