package auth_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// outbox is the host's Notifier: here it prints and keeps the last token.
type outbox struct{ token string }

func (o *outbox) Notify(_ context.Context, n auth.Notification) error {
	fmt.Printf("notify %s (link carries a token: %t)\n", n.Kind, n.Token != "")
	if n.Token != "" {
		o.token = n.Token
	}
	return nil
}

// An administrator creates an operator: no password is generated or mailed;
// the operator gets a link, sets a password with its token, and logs in.
func ExampleDesk_CreateOperator() {
	ctx := context.Background()
	mail := &outbox{}
	desk, err := auth.New(auth.Config{Store: memstore.New(), Notifier: mail})
	if err != nil {
		panic(err)
	}
	admin, _ := desk.Bootstrap(ctx, "comune", auth.NewOperator{Username: "root", Email: "it@comune.example"})
	if _, err := desk.SetPassword(ctx, "comune", mail.token, "correct horse battery staple"); err != nil {
		panic(err)
	}

	op, err := desk.CreateOperator(ctx, admin.Principal(), auth.NewOperator{
		Username: "Anna Neri", Email: "a.neri@comune.example", Services: []string{"residence-change"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("has a password:", op.HasPassword())

	_, err = desk.SetPassword(ctx, "comune", mail.token, "anna neri 2026")
	fmt.Println("containing the username:", errors.Is(err, auth.ErrValidation))
	if _, err := desk.SetPassword(ctx, "comune", mail.token, "sette gatti sul tetto"); err != nil {
		panic(err)
	}
	acc, err := desk.Login(ctx, "comune", "a.neri@comune.example", "sette gatti sul tetto")
	if err != nil {
		panic(err)
	}
	fmt.Println("may work on residence-change:", acc.Principal().CanWorkOnService("residence-change"))
	// Output:
	// notify set_password (link carries a token: true)
	// notify set_password (link carries a token: true)
	// has a password: false
	// containing the username: true
	// may work on residence-change: true
}

// A forgotten password: the request answers the same for unknown accounts,
// the token works once, and the change is notified through the outbox.
func ExampleDesk_RequestPasswordReset() {
	ctx := context.Background()
	mail := &outbox{}
	desk, err := auth.New(auth.Config{Store: memstore.New(), Notifier: mail})
	if err != nil {
		panic(err)
	}
	_, _ = desk.Bootstrap(ctx, "comune", auth.NewOperator{Username: "root", Email: "it@comune.example"})
	first, _ := desk.SetPassword(ctx, "comune", mail.token, "correct horse battery staple")

	fmt.Println("unknown account:", desk.RequestPasswordReset(ctx, "comune", "nobody@comune.example"))
	fmt.Println("known account:", desk.RequestPasswordReset(ctx, "comune", "IT@comune.example"))

	acc, err := desk.SetPassword(ctx, "comune", mail.token, "a brand new passphrase")
	if err != nil {
		panic(err)
	}
	fmt.Println("credentials version:", first.CredentialsVersion, "→", acc.CredentialsVersion)
	_, err = desk.SetPassword(ctx, "comune", mail.token, "and once more please")
	fmt.Println("token reused:", errors.Is(err, auth.ErrInvalidToken))

	n, _ := desk.DeliverNotifications(ctx, "comune", 0)
	fmt.Println("delivered from the outbox:", n)
	// Output:
	// notify set_password (link carries a token: true)
	// unknown account: <nil>
	// notify password_reset (link carries a token: true)
	// known account: <nil>
	// credentials version: 1 → 2
	// token reused: true
	// notify password_changed (link carries a token: false)
	// notify password_changed (link carries a token: false)
	// delivered from the outbox: 2
}
