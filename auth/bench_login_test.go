package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// benchDesk returns a desk with DefaultArgon2Params and one operator whose
// password is set.
func benchDesk(b *testing.B) *auth.Desk {
	b.Helper()
	mail := &outbox{}
	ctx := context.Background()
	desk, err := auth.New(auth.Config{Store: memstore.New(), Notifier: auth.NotifierFunc(func(_ context.Context, n auth.Notification) error {
		mail.token = n.Token
		return nil
	})})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := desk.Bootstrap(ctx, "comune", auth.NewOperator{Username: "root", Email: "it@comune.example"}); err != nil {
		b.Fatal(err)
	}
	if _, err := desk.SetPassword(ctx, "comune", mail.token, "correct horse battery staple"); err != nil {
		b.Fatal(err)
	}
	return desk
}

// BenchmarkDeskLogin is a whole successful login on the in-memory store:
// lookup, throttle check, argon2id verification with DefaultArgon2Params.
func BenchmarkDeskLogin(b *testing.B) {
	desk := benchDesk(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := desk.Login(ctx, "comune", "root", "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeskLoginUnknown is a login for an unknown name: it must cost
// about what BenchmarkDeskLogin costs (the dummy verification), so that
// timing does not tell which accounts exist.
func BenchmarkDeskLoginUnknown(b *testing.B) {
	desk := benchDesk(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		// A fresh name each time keeps the throttle out of the measurement.
		name := "ghost-" + string(rune('a'+i%26)) + string(rune('a'+(i/26)%26)) + string(rune('a'+(i/676)%26))
		if _, err := desk.Login(ctx, "comune", name, "correct horse battery staple"); !errors.Is(err, auth.ErrInvalidCredentials) && !errors.Is(err, auth.ErrThrottled) {
			b.Fatal(err)
		}
	}
}
