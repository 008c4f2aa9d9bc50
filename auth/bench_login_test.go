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
	desk, err := auth.New(auth.Config{
		Store: memstore.New(),
		Notifier: auth.NotifierFunc(func(_ context.Context, n auth.Notification) error {
			mail.token = n.Token
			return nil
		}),
		// No lockout, so that failing logins can be measured in a loop.
		Throttle: auth.ThrottlePolicy{MaxFailures: 1 << 30},
	})
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

// BenchmarkDeskLoginWrongPassword is a failed login of a known account.
func BenchmarkDeskLoginWrongPassword(b *testing.B) {
	benchFailedLogin(b, "root")
}

// BenchmarkDeskLoginUnknown is a login for an unknown name: it must cost
// about what BenchmarkDeskLoginWrongPassword costs (a dummy verification
// with the same parameters), so that timing does not tell which accounts
// exist.
func BenchmarkDeskLoginUnknown(b *testing.B) {
	benchFailedLogin(b, "ghost")
}

func benchFailedLogin(b *testing.B, login string) {
	desk := benchDesk(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := desk.Login(ctx, "comune", login, "not the password"); !errors.Is(err, auth.ErrInvalidCredentials) {
			b.Fatal(err)
		}
	}
}
