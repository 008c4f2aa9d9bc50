// Package appointment books citizens onto office calendars (the
// municipal platform's "Appuntamenti"): a booking's lifecycle, capacity
// that never overbooks, moves and cancellations, links to pratiche,
// notifications and iCalendar export. It imports auth and calendar; the
// calendar wing describes the offices' opening hours, closures and limits
// and computes availability, this one keeps the bookings.
//
// # Lifecycle
//
// A booking has one of the platform's statuses: 0 pending ("In attesa di
// approvazione"), 1 approved, 2 refused, 3 missed ("Assente"), 4 done
// ("Concluso"), 5 cancelled, 6 draft ("Bozza"). Transitions() is the whole
// table and every command consults only it, through the pure Next; the
// generated diagram is in LIFECYCLE.md beside this package. A citizen
// picks a slot (Desk.Book): a draft holds the place for the calendar's
// drafts duration; Confirm makes it pending on a moderated calendar or
// opening hour, approved otherwise, and returns the secret cancel token
// (kept by the store only as its SHA-256 hash, compared in constant time)
// that lets the citizen cancel until the calendar's allow-cancel days
// before the start (CancelWithToken). Operators enabled for the calendar,
// its owner and moderators, and administrators (Authorize) search, create
// on behalf of a citizen, approve, refuse with a motivation, cancel, mark
// missed or done once the start has passed, move (a pending booking
// becomes approved; the reschedule counter increments), modify notes,
// contact data and the video link, and link a pratica (at most one active
// booking per pratica). ApplyPracticeOutcome carries a pratica's outcome
// to its future active bookings, idempotently; its PracticeEffect values
// are those of practice.AppointmentEffect. Book and Create accept an
// idempotency key: a repeated call returns the first call's booking.
//
// # Capacity
//
// The Store decides capacity inside one atomic call (Store.Book,
// Store.Move): the slot's queue, the calendar's places per local day and
// the citizen's active bookings are counted together with the write, so
// concurrent requests in any number of processes never overbook; refusals
// are *CapacityError matching ErrSlotFull, ErrDayFull or ErrCitizenLimit
// (and ErrConflict). Expired drafts hold no place; SweepDrafts deletes
// them. A move counts every place but the booking's own. A slot the
// calendar does not offer is a *SlotError wrapping the calendar's
// *calendar.SlotError. Desk.Availability feeds calendar.Availability with
// the places the store reports for the whole window in one query
// (Store.HeldPlaces). The Desk implements calendar.BookingCounter.
//
// # Storage
//
// memstore is the in-memory default; pgstore keeps bookings in PostgreSQL
// with row locks (no advisory locks), so several application instances
// can share one database; appointmenttest.Run checks any other Store.
//
// # Errors worth a retry
//
// ErrUnavailable (the storage or the calendar wing failed, not the caller)
// may go away by itself: retry with backoff. ErrConflict on "version"
// means the booking changed since it was read: read it again and
// re-apply. ErrSlotFull, ErrDayFull and ErrCitizenLimit (also ErrConflict)
// may succeed later, when places free up; another slot is the better
// answer to give a citizen. The others fail the same way again.
//
// # Notifications
//
// Confirmations, creations, approvals, moves, changes, cancellations and
// refusals save a Notification in the store's outbox in the same write,
// addressed to the citizen, the calendar's owner and moderators (never
// the one who acted) and the calendar's contact e-mail, unless the
// calendar has notifications off. DeliverNotifications drains it through
// Config.Notifier with leases, under the shared rules of sportello's
// outbox.
//
// # iCalendar
//
// WriteICS and ICS export bookings as RFC 5545 (METHOD PUBLISH, REQUEST or
// CANCEL) with github.com/arran4/golang-ical: CRLF line ends (the library
// defaults to LF on Unix, so the package asks for CRLF), lines folded at
// 75 octets never inside a UTF-8 character, TEXT escaping of backslash,
// semicolon, comma and newline, UTC times, a UID stable per booking,
// DTSTAMP, SEQUENCE = the reschedule counter, STATUS:CANCELLED with the
// same UID on cancellation, LOCATION and URL for the video link. One rule
// the library breaks is handled here: it escapes the newline but passes
// carriage returns and other control characters through, which would
// break the line structure (and TEXT allows no control character but
// tab), so text is made safe before it reaches the library: CR LF and
// lone CR become newlines, other control characters are dropped, invalid
// UTF-8 becomes U+FFFD. Desk.ICS and Desk.Feed serve a booking and a
// calendar's window.
package appointment
