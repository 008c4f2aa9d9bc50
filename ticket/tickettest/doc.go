// Package tickettest is the conformance kit for ticket.Store and
// ticket.BlobStore implementations.
//
// Run checks every behaviour the ticket.Store contract documents: the
// round trip of every field of every record (catalogue and requests, with
// logs, contacts, attachment metadata and SLA state; times in UTC to the
// microsecond), version checks, atomic multi-request updates, request
// numbers and idempotency keys under concurrency, tenant isolation, the
// request listings with keyset pagination, and the notification outbox
// (notes saved only with a successful write, in order, only the winner's
// under concurrent writes; acknowledgements that remove a note; all per
// tenant), then internal/outbox's shared section: claims that lease notes
// in creation order, hold a request's later notes behind an earlier one
// still in the outbox, never hand one note to two claimers while its
// lease runs, and hand it out again once the lease has ended. Stores are
// made in groups that share one data set, standing for several
// application instances on one database, so the concurrency checks also
// hold across processes.
//
// Some sections run a ticket.Desk over the stores, for what every store
// must show through it: text that breaks the text rule is refused with
// the same *ValidationError on every store and nothing is saved; lookups
// by IDs no record can have are ErrNotFound, from the Desk and from the
// store; 50 concurrent comments (and mixed appends: comments, private
// logs, attachments, contacts) through two Desks on two stores all land
// exactly once; and a Desk's instants round-trip unchanged.
//
// RunBlobStore checks a ticket.BlobStore: round trip, overwrite, delete,
// missing keys, refused keys and atomic replacement under concurrency.
//
// Every adapter's tests call them:
//
//	func TestConformance(t *testing.T) { tickettest.Run(t, newHarness) }
//	func TestBlobs(t *testing.T)       { tickettest.RunBlobStore(t, newBlobStore) }
//
// The kit treats a nil slice or map and an empty one as the same value, so
// that an adapter storing them in SQL columns need not tell them apart.
package tickettest
