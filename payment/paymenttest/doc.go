// Package paymenttest is the conformance kit for payment.Store
// implementations: Run checks every behaviour that payment.Store documents
// and the payment Desk relies on — exact round-trips of every field,
// idempotent creation under a race, optimistic versions, unique stamp
// identifiers and notice codes, tenant isolation, filtered keyset listings,
// the expiry listing, per-tenant sequences and the event outbox (events
// saved only with a successful write, claimed in saving order under a lease
// that concurrent claimers on several instances never share, claimable
// again when the lease ends, removed by an acknowledgement, plus the outbox
// section every wing's kit runs, internal/outbox/outboxtest: a payment's
// later events wait behind an earlier one, a failed event holds back only
// its own payment, limits, tenants) — and, with a payment.Desk over the
// stores, that 50 concurrent Creates with one idempotency key make one
// record, that DeliverEvents running on several instances at once hands
// each event to the handler once and each payment's events in order, that
// Generators on several instances never issue a code twice, and that bad
// text, out-of-range instants and nanoseconds are handled alike by every
// store — with concurrent calls spread over several stores that share one
// backing data set, as several application instances share one database.
// Every adapter's tests call it:
//
//	func TestConformance(t *testing.T) { paymenttest.Run(t, newHarness) }
package paymenttest
