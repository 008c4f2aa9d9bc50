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
// priority is matrix[impact][urgency] (PriorityOf); the Store allocates the
// per-tenant number shown as "R-000123" (FormatRef, ParseRef); an
// idempotency key makes creation retry-safe.
//
// # Lifecycle
//
// The lifecycle is data: Transitions lists every (From, Stimulus, To) of
// the reference, with statuses new, waiting_for_approval, approved,
// rejected, assigned, pending, escalated_tto, escalated_ttr, resolved and
// closed, and stimuli assign, reassign, pending, resolve, close, reopen,
// wait_for_approval, approve, reject, timeout and autoresolve (Diagram
// draws it; LIFECYCLE.md beside the package shows it). Any other
// move is a *TransitionError (ErrInvalidTransition). Entering assigned
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
// drains the outbox with DeliverNotifications through its own Notifier: a
// notification leaves the outbox only once delivered, so a crash loses
// nothing, and a delivery repeated after a crash carries the same ID,
// which the notifier uses to send nothing twice. Drains may run in many
// instances at once: each claims its batch under a lease
// (Config.NotificationLease), so no notification goes to two of them
// while its lease runs, and one whose delivery failed is delivered again
// once its lease has ended.
//
// # Attachments
//
// Content goes to a BlobStore (memstore.NewBlobs in memory, fsblob on a
// filesystem), metadata to the Store. The media type is sniffed from the
// content with net/http's algorithm, the client's claim ignored; the size
// limit and the allowed types are configurable; the SHA-256 is recorded.
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
// the outbox).
package ticket
