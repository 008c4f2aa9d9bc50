package pgstore_test

import (
	"context"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/pgmigrate"
	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/paymenttest"
	"github.com/sportello/sportello/payment/pgstore"
)

// harness opens n pools on one fresh database per MakeStores call: n
// application instances sharing PostgreSQL.
type harness struct{ t *testing.T }

func (h harness) MakeStores(ctx context.Context, n int) ([]payment.Store, error) {
	return pgtest.Stores(h.t, ctx, n, func(ctx context.Context, p *pgxpool.Pool) (payment.Store, error) { return pgstore.New(ctx, p) })
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	paymenttest.Run(t, func(t *testing.T) paymenttest.Harness { return harness{t} })
}

// serializableHarness runs every transaction SERIALIZABLE, the isolation
// of the distributed PostgreSQL-compatible engines pgstore also targets:
// conflicts then surface as serialization failures, which the store must
// retry or turn into the documented errors.
type serializableHarness struct{ t *testing.T }

func (h serializableHarness) MakeStores(ctx context.Context, n int) ([]payment.Store, error) {
	cfg, err := pgxpool.ParseConfig(pgtest.NewDatabase(h.t))
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["default_transaction_isolation"] = "serializable"
	out := make([]payment.Store, n)
	for i := range out {
		pool, err := pgxpool.NewWithConfig(ctx, cfg.Copy())
		if err != nil {
			return nil, err
		}
		h.t.Cleanup(pool.Close)
		var level string
		if err := pool.QueryRow(ctx, "SHOW transaction_isolation").Scan(&level); err != nil {
			return nil, err
		}
		require.Equal(h.t, "serializable", level)
		if out[i], err = pgstore.New(ctx, pool); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (serializableHarness) Close() {}

func TestConformanceSerializable(t *testing.T) {
	pgtest.URL(t)
	paymenttest.Run(t, func(t *testing.T) paymenttest.Harness { return serializableHarness{t} })
}

func TestNewMigratesOnceAndAgain(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	_, err := pgstore.New(ctx, pool)
	require.NoError(t, err)
	_, err = pgstore.New(ctx, pool)
	require.NoError(t, err, "a second New finds the schema in place")
	files, err := fs.Glob(os.DirFS("migrations"), "*.sql")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 2)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM sportello_migrations WHERE component = 'payment'`).Scan(&n))
	assert.Equal(t, len(files), n, "each migration file is recorded once")
	_, err = pgstore.New(ctx, nil)
	assert.Error(t, err)
}

// TestOutboxLeaseMigrationKeepsPendingEvents upgrades a database holding
// only the first schema, with an undelivered event in its outbox: after
// New applies the lease migration the event is claimable, then leased.
func TestOutboxLeaseMigrationKeepsPendingEvents(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	first, err := fs.ReadFile(os.DirFS("migrations"), "0001_init.sql")
	require.NoError(t, err)
	require.NoError(t, pgmigrate.Apply(ctx, pool, "payment", fstest.MapFS{"0001_init.sql": {Data: first}}))
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	_, err = pool.Exec(ctx, `INSERT INTO payment_outbox (tenant, id, payment_id, subject, from_status, to_status, at)
		VALUES ('t1', 'evt-old', 'pay-1', 'pratica-1', 'payment_pending', 'complete', $1)`, at)
	require.NoError(t, err)

	s, err := pgstore.New(ctx, pool)
	require.NoError(t, err)
	want := []payment.Event{{ID: "evt-old", Tenant: "t1", PaymentID: "pay-1", Subject: "pratica-1",
		From: payment.StatusPending, To: payment.StatusComplete, At: at}}
	got, err := s.ClaimEvents(ctx, "t1", at, time.Minute, 10)
	require.NoError(t, err)
	assert.Equal(t, want, got, "an event saved before the upgrade was never claimed")
	got, err = s.ClaimEvents(ctx, "t1", at, time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, got, "and is now leased")
}

func TestAmountWithMoreThanTwoDecimalsIsRefused(t *testing.T) {
	s, err := pgstore.New(context.Background(), pgtest.NewPool(t))
	require.NoError(t, err)
	ctx := context.Background()
	p := &payment.Payment{ID: "p1", Tenant: "t1", Kind: payment.KindPagoPA, Status: payment.StatusPending, Amount: mustDec("1.005")}
	_, _, err = s.Create(ctx, p, nil)
	assert.ErrorIs(t, err, payment.ErrValidation)
	_, err = s.Get(ctx, "t1", "p1")
	assert.ErrorIs(t, err, payment.ErrNotFound, "nothing stored")

	p.Amount = mustDec("1.00")
	p.Split = []payment.Split{{Beneficiary: "00000000001", Amount: mustDec("0.999")}}
	_, _, err = s.Create(ctx, p, nil)
	assert.ErrorIs(t, err, payment.ErrValidation, "split amounts are exact cents too")
}

// TestEveryFieldIsStored fails when the payment model gains a field, so
// that whoever adds it also adds a column (and a case to the kit's
// round-trip).
func TestEveryFieldIsStored(t *testing.T) {
	stored := map[reflect.Type][]string{
		reflect.TypeFor[payment.Payment](): {"ID", "Tenant", "Kind", "Status", "Amount", "Reason", "Payer", "Subject", "Service",
			"DueAt", "NoticeCode", "IUV", "Receipt", "Links", "Split", "Stamp", "Note", "IdempotencyKey",
			"CreatedBy", "CreatedAt", "UpdatedAt", "History", "Version"},
		reflect.TypeFor[payment.Receipt](): {"PaidAt", "PSP", "ReceiptID"},
		reflect.TypeFor[payment.Links]():   {"Online", "Notice", "Receipt"},
		reflect.TypeFor[payment.Split]():   {"Beneficiary", "Amount", "Reason"},
		reflect.TypeFor[payment.Stamp]():   {"Identifier", "IssuedAt"},
		reflect.TypeFor[payment.Note]():    {"Text", "Internal"},
		reflect.TypeFor[payment.Change]():  {"At", "From", "To", "Source", "Actor"},
		reflect.TypeFor[payment.Event]():   {"ID", "Tenant", "PaymentID", "Subject", "From", "To", "At"},
	}
	for typ, want := range stored {
		var got []string
		for _, f := range reflect.VisibleFields(typ) {
			got = append(got, f.Name)
		}
		assert.ElementsMatch(t, want, got, "fields of %s", typ)
	}
}

// BenchmarkNextSequenceParallel measures the counter behind notice codes
// under concurrent use from one process (one pool).
func BenchmarkNextSequenceParallel(b *testing.B) {
	s, err := pgstore.New(context.Background(), pgtest.NewPool(b))
	require.NoError(b, err)
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := s.NextSequence(ctx, "t1", "notice-01"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestOutageIsUnavailable stops the store's database connections (as a
// server restart does) and closes its pool: every call fails with an error
// matching payment.ErrUnavailable and nothing else, whose message carries
// no connection details or driver text.
func TestOutageIsUnavailable(t *testing.T) {
	ctx := context.Background()
	pools := pgtest.NewPools(t, 2)
	s, err := pgstore.New(ctx, pools[0])
	require.NoError(t, err)
	_, err = pools[1].Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	require.NoError(t, err)
	pools[0].Close()
	calls := map[string]func() error{
		"Get":         func() error { _, err := s.Get(ctx, "t1", "p1"); return err },
		"List":        func() error { _, err := s.List(ctx, "t1", payment.Filter{}, "", 10); return err },
		"ClaimEvents": func() error { _, err := s.ClaimEvents(ctx, "t1", time.Now(), time.Minute, 10); return err },
		"AckEvent":    func() error { return s.AckEvent(ctx, "t1", "e1") },
		"NextSequence": func() error {
			_, err := s.NextSequence(ctx, "t1", "n")
			return err
		},
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, payment.ErrUnavailable, name)
		for _, other := range []error{payment.ErrNotFound, payment.ErrConflict, payment.ErrValidation, payment.ErrInvalidTransition} {
			assert.NotErrorIs(t, err, other, name)
		}
		for _, leak := range []string{"127.0.0.1", "user=", "database=", "dial", "pool"} {
			assert.NotContains(t, err.Error(), leak, name)
		}
	}
}
