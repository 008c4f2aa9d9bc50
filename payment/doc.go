// Package payment records what citizens pay a public body: pagoPA
// payments (up front, or deferred with the amount set by an operator),
// stamp duty paid digitally or with a physical stamp, and payments
// registered by hand at the counter. It holds the rules (amounts, notice
// codes, the lifecycle, permissions), the Store interface, and the Desk
// that applies them.
//
// # Records
//
// A Payment has an amount in euros (shopspring/decimal, more than 0, at
// most 2 decimals, converted exactly to and from integer cents by Cents and
// FromCents; ParseAmount reads user input), a reason, a payer (codice
// fiscale or partita IVA, checked with auth's validators and stored
// normalized), a subject (e.g. a pratica) and the service it belongs to, a
// due date (DefaultDue, 90 days, unless given), the notice code and IUV,
// the receipt once paid, the links to show, and optionally a split among
// beneficiaries whose shares sum exactly to the amount (ValidateSplit).
// Bad input gets one *ValidationError listing every field, and nothing is
// stored.
//
// # Notice codes
//
// ParseNoticeCode reads an 18-digit pagoPA notice code with aux digit 0, 1
// or 3, checking the mod-93 check digits where the layout has them; it does
// not allocate. A Generator issues aux-3 codes for a segregation code from
// a Sequence the host provides (StoreSequence uses Store.NextSequence), so
// no code is issued twice, across goroutines or processes. RegisterValidations
// adds the `noticecode` tag (and auth's `codicefiscale` and `partitaiva`)
// to a validator; the Desk uses it on Notification.NoticeCode.
//
// # Lifecycle
//
// The statuses and moves are data (Transitions, Next); Diagram draws them
// as a Mermaid state diagram, kept in LIFECYCLE.md beside the package. A
// Status has a String, a Label in Italian or English, and IsFinal and
// IsOpen. The lifecycle's moves are Steps (the gateway's answers, a
// cancellation, the expiry), not the permission Actions: they are what
// happens to a payment, not commands someone runs.
//
//	creation_pending → payment_pending | creation_failed | canceled | expired
//	payment_pending  → payment_started | complete | canceled | expired | payment_failed
//	payment_started  → complete | expired | payment_failed
//	any but complete → complete (a late receipt is never lost)
//
// Complete, canceled, expired, creation_failed and payment_failed are final;
// only a receipt moves a final record, and nothing leaves complete. Every
// status change appends a Change to the record's History and an Event to
// the outbox in the same Store write.
//
// # Creating, registering, canceling
//
// Desk.Create stores the record in creation_pending, asks the Gateway for
// the debt position, and moves it to payment_pending (notice code, IUV,
// links) or, on a final refusal (ErrGatewayRejected), to creation_failed.
// It is idempotent by IdempotencyKey, and safe to repeat after a failure
// at any step: the repeated call finds the same record and completes it.
// Desk.RegisterManual records a payment taken at the counter, complete at
// once and irreversibly, with an optional note; Desk.RegisterStamp records
// a physical stamp, whose 14-digit identifier can never be registered
// twice. Desk.Cancel withdraws a payment not yet started (creation_pending
// or payment_pending) at the gateway and then in the record.
//
// # Notifications and reconciliation
//
// The gateway reports what the payer does through notifications, which may
// arrive twice, late or out of order; each names its record by payment ID,
// IUV or notice code. Desk.ApplyNotification applies one through the pure
// rule Decide: a duplicate, a move backwards (a "pending"
// after "complete") or a move the record no longer allows is Ignored and
// logged, never an error; anything else is Applied, and a "complete" always
// is, with its receipt, from any status but complete. A "payment_pending"
// for a record whose creation was never recorded completes it, with the
// position the gateway already holds. Desk.Refresh asks the
// gateway for a record's status and applies it the same way, recovering a
// lost notification, and finishes a Create that was interrupted.
// Desk.Sweep moves open records past their due date to expired; run twice,
// it changes nothing the second time.
//
// # Permissions
//
// Authorize is the whole rule: the system may do everything; staff enabled for
// the payment's service (administrators for every service) may create,
// view, refresh, cancel and register payments; a citizen may create, view
// and refresh the payments they are the payer of, and register a physical
// stamp. Refusals are *auth.PermissionError (auth.ErrForbidden).
//
// # Storage and events
//
// A Desk keeps records in a Store: memstore is the in-memory default,
// pgstore keeps them in PostgreSQL, and paymenttest.Run checks any other
// implementation. Every update is version-checked. The Desk truncates
// every instant to microseconds (PostgreSQL's precision), so both stores
// return the same values.
//
// Every status change saves an Event in the same write (the outbox).
// Hosts drain it with Desk.DeliverEvents, which hands each event to
// Config.EventHandler, for example practice's Desk.ApplyPaymentEvent
// (through EventHandlerFunc), which moves the pratica a payment belongs to.
// This is the outbox every wing shares (internal/outbox), with the name
// Event instead of Notification, since a Notification here is what the
// gateway tells the Desk. Many instances may drain one outbox at once:
// each claims a batch under a lease (Config.EventLease), so an event goes
// to one deliverer only; one whose handler failed is claimed again when
// the lease ends, and holds back the later events of its own payment only.
// Delivery is at least once, in order per payment, and handlers drop
// repeats by Event.ID.
//
// # Text
//
// Every text field follows one rule (valid UTF-8, no NUL, no control
// character; a note may hold newlines and tabs; lengths in characters):
// bad text is a *ValidationError naming the field, before any store call,
// and a lookup by an ID no record can have is ErrNotFound, whatever the
// store.
//
// # Errors and retries
//
// Every error a Desk returns matches one of ErrNotFound, ErrConflict,
// ErrValidation, ErrInvalidTransition, ErrUnavailable and auth.ErrForbidden
// (or is a context error). Two are worth a retry of the same call, which
// every command allows: ErrUnavailable (the storage or the gateway failed:
// retry after a pause), and ErrConflict after re-reading the record (the
// Desk already re-reads and re-applies on version conflicts a few times;
// a conflict on a unique value, such as a used stamp identifier, will not
// go away). The others are the caller's to fix.
package payment
