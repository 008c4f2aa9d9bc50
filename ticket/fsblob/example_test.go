package fsblob_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/sportello/sportello/ticket/fsblob"
)

// A Store keeps attachment content below a directory; a Desk takes it as
// Config.Blobs.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "blobs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := fsblob.New(dir)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := store.Put(ctx, "comune-a/req-1/att-1", strings.NewReader("hello")); err != nil {
		log.Fatal(err)
	}
	rc, err := store.Get(ctx, "comune-a/req-1/att-1")
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	fmt.Println(string(data))

	_, err = store.Get(ctx, "../etc/passwd")
	fmt.Println(err)
	// Output:
	// hello
	// ticket: invalid input: key: is not a valid blob key
}
