// Package ticket models an IT help desk: a service catalogue, the requests
// users file against it, their lifecycle, contacts, logs, attachments and
// service-level targets. It follows the data model of the open-source
// service-management tool behind a university help-desk portal
// ("UserRequest") and that portal's own rules.
//
// # Catalogue
//
// Families contain services, services contain subcategories. A service is
// in production, implementation or obsolete (obsolete services take no new
// requests) and may ask for extra fields (text, number, boolean, date or
// choice, optionally required). A subcategory is of request type incident
// or service_request. Managers and administrators edit the catalogue; a
// Catalogue snapshot gives the portal's three projections: Tree, List and
// Mosaic.
//
// # Requests
//
// Create checks that the subcategory belongs to the service, that the
// service is not obsolete and that the request type matches; title and
// description are required and extra fields are validated; every invalid
// field is reported in one *ValidationError and nothing is stored. The
// input structs carry validate tags read by the validator every sportello
// package shares (field names in snake_case, one message per rule); the
// checks that need the catalogue add to the same *ValidationError. The
// priority is matrix[impact][urgency] (PriorityOf); the Store allocates the
// per-tenant number shown as "R-000123" (FormatRef, ParseRef); an
// idempotency key makes creation retry-safe.
//
// # Text
//
// Every string the Desk takes (titles, descriptions, comments, names,
// IDs, extra field values) follows one text rule before any store call:
// valid UTF-8, no NUL, no control character except newline and tab in
// free text, lengths in characters. Anything else is a *ValidationError
// naming the field, the same on every Store, and nothing is saved. A
// lookup by an ID (or a principal's tenant) that breaks the rule names no
// record: ErrNotFound, and a listing for it is empty. Catalogue positions
// are 32-bit integers; number extra fields are written out (no exponent)
// with at most 15 digits before the point and 6 after.
//
// # Appends
//
// Comments, private log entries, attachments and contact changes never
// fail because another write of the request happened meanwhile: the Desk
// reads the request again, checks the permission and the closed rule
// again and re-applies the append, up to a bound (an append fails with
// ErrConflict only on a request that keeps changing for a hundred
// attempts). Lifecycle moves keep the plain version check: a move decided
// on a stale status is refused with ErrConflict.
//
// # Lifecycle
//
// The lifecycle is data: Transitions lists every (From, Stimulus, To) of
// the reference, with statuses new, waiting_for_approval, approved,
// rejected, assigned, pending, escalated_tto, escalated_ttr, resolved and
// closed, and stimuli assign, reassign, pending, resolve, close, reopen,
// wait_for_approval, approve, reject, timeout and autoresolve (Diagram
// draws it; LIFECYCLE.md beside the package shows it); Next is the pure
// table lookup. Any other move is a *TransitionError
// (ErrInvalidTransition). Entering assigned
// needs a team and an agent, pending a reason, resolved a resolution code
// and a solution (and sets the resolution time and time spent), closed a
// satisfaction from 1 to 4 and a comment; reopening needs a comment.
// Resolving a request resolves its descendants with the same solution in
// the same store write. A closed request is read-only: no log, contact or
// attachment may be added or removed (ErrClosed).
//
// # Who may do what
//
// Authorize is the whole per-request permission rule. The requester and the
// contacts share one set of rights: view, comment in the public log,
// attach files, add and remove contacts, close a resolved request, reopen.
// They never resolve. An agent is, in auth terms, an operator whose
// Offices include the request's team ID (administrators are agents of
// every team); agents assign, reassign, set pending, resolve, send to
// approval, approve or reject and write the private log, which only they
// see. Permission failures are *auth.PermissionError (auth.ErrForbidden).
//
// Assign and reassign also check that the resulting agent belongs to the
// resulting team: through Config.Agents when the host sets it (an
// AgentDirectory); without it, only what the acting principal tells about
// itself (an agent assigning itself must be an agent of the target team;
// any other agent ID is taken on the word of the agent or administrator
// assigning).
//
// # Notifications
//
// A change and the notifications it causes are saved in one store write
// (an outbox kept with the requests). A new request notifies the agents
// of its team; assignment, pending, resolution (children resolved with
// their parent too), reopening, rejection and approval notify the
// requester and the contacts; a public comment by an agent notifies the
// requester and the contacts, one by the requester or a contact (also
// the comment of their reopen or close) the assigned agent (or the team);
// SLA warnings and escalations notify the
// team. Recipients are principal IDs or a team, never addresses or names,
// and the principal who acted is never told of its own action. The host
// drains the outbox with DeliverNotifications through Config.Notifier,
// under the rule every sportello outbox shares: a notification leaves the
// outbox only once delivered, so a crash loses nothing, and a delivery
// repeated after a crash carries the same ID, which the notifier uses to
// send nothing twice. Drains may run in many instances at once: each
// claims its batch under a lease (Config.NotificationLease), so no
// notification goes to two of them while its lease runs. A failed
// delivery is retried once its lease has ended and holds back only the
// later notifications of the same request, so each request's
// notifications arrive in order and other requests' are not delayed.
//
// # Attachments
//
// Content goes to a BlobStore (memstore.NewBlobs in memory, fsblob on a
// filesystem), metadata to the Store. The media type is detected from the
// content (github.com/gabriel-vasile/mimetype, which names office
// documents such as .docx and .odt rather than calling them zip
// archives), the client's claim ignored; the size limit and the allowed
// types are configurable; the SHA-256 is recorded.
//
// # SLA
//
// Targets (priority, request type, tto or ttr, duration) give each new
// request the shortest matching goal per metric. Time to own runs in new,
// approved and escalated_tto; time to resolve runs in new, approved,
// assigned and the escalated statuses and pauses in pending. Sweep, called
// by the host on a schedule, marks a warning at 75% and fires the timeout
// stimulus at 100%, idempotently. With a Coverage window (working hours in
// an IANA zone, default Europe/Rome) only covered time counts.
//
// # Storage
//
// A Desk keeps its data in a Store: memstore is the in-memory default,
// pgstore keeps it in PostgreSQL, and tickettest.Run checks any other
// implementation (tenant isolation, stale versions, concurrent updates,
// bad text, concurrent appends on two instances, the outbox). The Desk
// truncates every instant to the microsecond, so every store returns the
// same values.
//
// # Errors and retries
//
// Every error a Desk returns matches one of ErrNotFound, ErrConflict,
// ErrValidation, ErrInvalidTransition, ErrClosed, ErrUnavailable or
// auth.ErrForbidden (or is a context error, or an error of the host's own
// Notifier, AgentDirectory, BlobStore or attachment reader, returned as
// it is). Which are worth a retry:
//
//   - ErrUnavailable: the storage failed (connection refused or lost,
//     server starting or shutting down). Retry the same call later, with
//     a backoff; the message names the store and at most a SQLSTATE,
//     never connection details. Create with an IdempotencyKey is safe to
//     repeat; other commands were either saved whole or not at all.
//   - ErrConflict on field "version": the request changed since it was
//     read (a lifecycle move, a catalogue update). Read it again, decide
//     again, and retry. Appends retry by themselves.
//   - ErrConflict on another field ("id", "idempotency_key",
//     "services", "subcategories"), ErrValidation, ErrNotFound,
//     ErrInvalidTransition, ErrClosed and auth.ErrForbidden: the same
//     call fails again; change the input or the request first.
//   - context.Canceled and context.DeadlineExceeded: the caller's own
//     deadline; retry with a new context if the work is still wanted.
package ticket
