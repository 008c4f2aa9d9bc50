package fakegateway_test

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
)

// Make the gateway fail once, then pay and take the notification.
func Example() {
	ctx := context.Background()
	g := fakegateway.New(nil)
	dp := payment.DebtPosition{Tenant: "comune-a", PaymentID: "pay-1", Kind: payment.KindPagoPA, Amount: decimal.New(10, 0)}

	g.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable)
	_, err := g.CreatePosition(ctx, dp)
	fmt.Println(err)

	pos, err := g.CreatePosition(ctx, dp)
	fmt.Println(pos.NoticeCode, err)

	if _, err := g.Pay("comune-a", "pay-1", "Banca Esempio"); err != nil {
		panic(err)
	}
	for _, n := range g.Take() {
		fmt.Println(n.PaymentID, n.Status, n.Receipt.PSP)
	}
	// Output:
	// fakegateway: unavailable
	// 301000000000000144 <nil>
	// pay-1 complete Banca Esempio
}
