// Package outbox is the one outbox mechanism every wing of sportello shares:
// the rule that decides which saved notifications a deliverer may claim, the
// loop that hands them to the host and acknowledges them, and an in-memory
// outbox for the memstores. Its sub-packages hold the PostgreSQL claim
// (pgoutbox) and the conformance-kit section every wing's kit runs
// (outboxtest).
//
// # The model
//
// A store saves an aggregate's change and the notifications it causes in one
// write. Each saved notification is an entry: it belongs to a tenant, has an
// ID unique in the tenant, names its record (the aggregate it is about: a
// payment, a pratica, a request) and has a place in the outbox's order (the
// order in which the store saved it).
//
// # The claim rule
//
// A claim at an instant now with a lease and a limit takes, in outbox order,
// up to Limit(limit) entries of one tenant that are claimable, and leases
// each until now+lease. An entry is claimable at now when
//
//   - it is not under lease: never claimed, or its lease ended at or before
//     now; and
//   - no earlier entry of the same record is still in the outbox, except
//     earlier entries taken by the same claim.
//
// So while one entry of a record waits (claimed by a deliverer that has not
// acknowledged it yet, or failed and waiting for its lease to end), no later
// entry of that record is handed to anyone, in this process or another;
// entries of other records go on. Entries of one record are therefore
// delivered in order, by any number of concurrent deliverers. Two claimers
// never get the same entry while its lease runs. A lease <= 0 leases
// nothing: the entries are returned and stay claimable.
//
// Acknowledging an entry removes it from the outbox; acknowledging an entry
// that is gone, unknown or another tenant's does nothing and is no error.
//
// # Limits
//
// Limit is the one reading of a caller's limit: <= 0 means DefaultLimit
// (100), and no call takes more than MaxLimit (1000). Claims and
// deliveries apply it alike.
//
// # The failure rule
//
// Deliverer.Deliver claims one batch and hands its entries to the host in
// order, acknowledging each one delivered. When a delivery fails, the entry
// stays in the outbox, under the claim's lease, and is claimed again once the
// lease has ended; the later entries of the same record in the batch are not
// handed out (they wait behind it, and are claimed again after it); the other
// records' entries are still delivered. Deliver returns how many entries were
// delivered and the first delivery error. An error of the claim, of an
// acknowledgement or of the context ends the call at once; unacknowledged
// entries are claimed again after their lease.
//
// A crash between a delivery and its acknowledgement, or a delivery that
// outlasts the lease, hands the entry out again later with the same ID:
// notifiers drop repeats by ID. Nothing is lost, and nothing is sent twice to
// a notifier that does so.
//
// # Each wing keeps its own type
//
// The mechanism is generic (type parameters) over the wing's own
// notification type, so a wing's Store keeps returning its Notification (or
// Event) values with their typed fields, and nothing is encoded to bytes and
// back. The Deliverer is told how to read an entry's record (a function);
// Memory stores the values it is given, with their tenant, record and ID
// passed beside them; pgoutbox scans the rows with the wing's own pgx row
// function.
package outbox
