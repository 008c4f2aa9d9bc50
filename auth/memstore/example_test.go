package memstore_test

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// The in-memory store is the embedded default: hand it to auth.New.
func ExampleNew() {
	desk, err := auth.New(auth.Config{
		Store:    memstore.New(),
		Notifier: auth.NotifierFunc(func(context.Context, auth.Notification) error { return nil }),
	})
	fmt.Println(desk != nil, err)
	// Output: true <nil>
}
