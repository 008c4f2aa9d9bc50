// Package practice models a citizen's application ("pratica") to a public
// digital service, from draft to outcome.
//
// # Lifecycle
//
// A pratica moves through the numeric statuses of the municipal platform
// the SDK learns from (StatusDraft = 1000 … StatusRevoked = 50000), so that
// hosts migrating from it can map their data one to one. The lifecycle is
// data: Transitions returns the whole table, each entry with its source
// status, action, target status and the conditions under which it applies
// (Facts: the service's settings — protocol, workflow, payment mode,
// integration, withdrawal, reopening, manual changes — and facts about the
// pratica and the command, such as "a payment was made"). Every command
// consults only this table, through the pure functions Next and Allowed.
// LIFECYCLE.md beside this package holds the Mermaid diagram generated from
// the table (Diagram), kept in step by a golden test.
//
// # Actions and permissions
//
// Citizens create, edit and delete drafts, submit, pay, answer integration
// requests, withdraw and write to the office; operators take in charge,
// assign, take over, write messages and private notes, request, accept and
// cancel integrations, register payments, accept or reject (the assigned
// operator only), request stamp duty, force a status and reopen; the system
// acquires, registers documents in the protocol through the host's
// Registrar, and applies payment outcomes. Authorize holds the permission
// rule of every action; a refusal is a *auth.PermissionError.
//
// # Payments and retries
//
// Payments are records of the payment package, reached through the narrow
// Payments interface (*payment.Desk implements it). Commands that span a
// pratica and a payment (Pay, Accept with a deferred amount,
// RegisterPayment, RequestStampDuty) derive the payment's idempotency key
// from the pratica and write the payment before the pratica, so that
// repeating a command after a failure at any point completes it with no
// duplicate payment, history entry or message. ApplyPaymentOutcome only
// reads the payment and is safe to repeat.
//
// A command that loses a race after opening a payment (an Accept with a
// deferred amount beaten by a Withdraw on another instance) cancels the
// payment it opened, so that nothing stays payable for a pratica that no
// longer wants it; after a transient failure it keeps the payment for the
// retry, which finds it by its key (a retry with another amount opens a
// new payment and cancels the old one). SweepPayments, a periodic chore,
// cancels what a crash between the two writes left behind.
//
// # What the host drives
//
// Besides the citizens' and operators' commands, a host runs the system
// steps: Acquire once it has made a pratica's summary document (1900 →
// 2000; or Config.AcquireOnSubmit, for hosts that make none), and
// RegisterProtocol for services requiring protocol; the chores
// DeliverNotifications (through Config.Notifier) and SweepPayments; and it
// feeds the payment package's events to ApplyPaymentEvent (pass
// payment.EventHandlerFunc(desk.ApplyPaymentEvent) as the payment Desk's
// handler), which moves each pratica when its payment completes or fails.
//
// # Text and validation
//
// Every string a command takes (names, texts, identifiers, form-data keys
// and values) follows one rule before any store call: valid UTF-8, no NUL,
// no control characters but newline and tab in long text, lengths in
// characters. Bad text is ErrValidation naming the field, on every store
// alike; a lookup by an ID that cannot exist is ErrNotFound. Form data is
// limited to MaxFormDataSize bytes of JSON and MaxFormDataDepth levels.
//
// # Errors and retries
//
// Every error a Desk returns matches one of ErrNotFound, ErrConflict,
// ErrValidation, ErrInvalidTransition, ErrUnavailable or
// auth.ErrForbidden, or is a context error. Worth a retry:
//
//   - ErrUnavailable from a store or the payment package (the database or
//     the gateway is down or restarting; *PaymentError for the latter):
//     retry with backoff. Every command is safe to repeat; commands that
//     open payments find them again by their key. ErrUnavailable that
//     says a service takes no pratiche or a Desk lacks Payments,
//     Registrar or Notifier is not transient.
//   - ErrConflict with ConflictError.Field "version": the pratica changed
//     since it was read. Read it again and decide again; messages and
//     notes do this by themselves.
//
// Not worth a retry: ErrValidation (fix the input), ErrNotFound,
// ErrInvalidTransition (the pratica's status does not allow the action),
// auth.ErrForbidden, and ErrConflict on another field (a taken ID or
// idempotency key).
//
// # Notifications
//
// The notifications a change causes (the citizen's, with the service's
// templates; the operators' on 2000 and 3000) are saved in the same store
// write as the change, in an outbox the host drains with
// DeliverNotifications through Config.Notifier, usually from a periodic
// chore. Many application
// instances may run that chore at once: each call claims a batch, leasing
// it for Config.NotificationLease (default 1 minute) so that no other
// instance takes it meanwhile, delivers each notification through the
// host's Notifier and acknowledges it, which removes it from the outbox. A
// notification whose delivery fails stays and is claimed again once its
// lease has ended. Delivery is at least once: a notification is repeated
// only when its lease ends before its acknowledgement (a crash after
// delivery, or a delivery slower than the lease), and notifiers drop
// repeats by Notification.ID.
//
// # Listings
//
// ListTab lists a citizen's pratiche by tab of the citizen area, in ID
// order. ListSummaries is the back office's list: it returns Summary rows
// (what a list shows: ID, service, status, owner, assignee, office,
// submission and last change times, protocol number), never the
// aggregates, filtered by office, service, status (default: from 1500
// up), assignment, submission date, last status change and text (a
// prefix of the ID, the owner's codice fiscale, the protocol number or a
// word of the owner's name; see SearchText), and sorted by submission
// time (the default), last status change or ID, ascending or descending.
// The store filters, searches and orders with ordered indexes, so a page
// costs about as much as the page whatever the number of pratiche. Pages
// carry an opaque keyset cursor (the sort time and ID of the last item):
// the next page starts right after the last item (a pratica whose sort
// time changes between two pages moves with it). Export streams the same
// rows in one pass for ExportCSV; Iterate streams whole pratiche for
// chores, and ListOffice returns a page of them.
//
// # Bulk work
//
// Import takes pratiche with their history from a stream, for offices
// moving from another platform: every row checked (CheckImport), a
// report per row, idempotent per pratica ID, each pratica written whole
// or not at all, in batches (COPY in pgstore). ApplyCSV applies changes
// of operator, office and status edited in a spreadsheet (an ExportCSV
// file), each row through ApplyChange, so through the same rules and
// permissions as Assign and ChangeStatus, in one write per row; a row
// that is refused applies nothing.
//
// # Storage
//
// A Desk keeps services and pratiche in a Store. memstore is the in-memory
// default; pgstore keeps them in PostgreSQL; practicetest.Run checks any
// other implementation. Every store call is scoped by tenant, and updates
// are version-checked: of two concurrent changes to one pratica, one wins
// and the other gets ErrConflict.
package practice
