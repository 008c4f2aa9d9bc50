package pgstore_test

import (
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestMain runs the tests with a local zone away from UTC, as on a server
// in Italy: pgx reads timestamptz values in the local zone, and the
// conformance kit must see the store hand them back in UTC all the same.
func TestMain(m *testing.M) {
	time.Local = time.FixedZone("CET", 3600)
	os.Exit(m.Run())
}

func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
