package appointment

import (
	"strconv"
	"strings"
)

// Status is a booking's place in its lifecycle, with the platform's codes
// 0–6.
type Status int8

// The statuses, with the platform's codes.
const (
	// StatusNone is no booking: the source of the creating transitions
	// and the target of an expired draft's removal. Never stored.
	StatusNone Status = -1
	// StatusPending (0, "In attesa di approvazione"): confirmed on a
	// moderated calendar or opening hour; waits for an operator.
	StatusPending Status = 0
	// StatusApproved (1, "Approvato"): the appointment will take place.
	StatusApproved Status = 1
	// StatusRefused (2, "Rifiutato"): an operator refused it, with a
	// motivation.
	StatusRefused Status = 2
	// StatusMissed (3, "Assente"): the citizen did not come.
	StatusMissed Status = 3
	// StatusDone (4, "Concluso"): the appointment took place.
	StatusDone Status = 4
	// StatusCancelled (5, "Annullato"): cancelled by the citizen or an
	// operator.
	StatusCancelled Status = 5
	// StatusDraft (6, "Bozza"): a slot picked by a citizen, holding its
	// place until it expires or is confirmed.
	StatusDraft Status = 6
)

var statusNames = [...]string{"pending", "approved", "refused", "missed", "done", "cancelled", "draft"}

var statusLabels = map[string][7]string{
	"it": {"In attesa di approvazione", "Approvato", "Rifiutato", "Assente", "Concluso", "Annullato", "Bozza"},
	"en": {"Awaiting approval", "Approved", "Refused", "Missed", "Done", "Cancelled", "Draft"},
}

// Statuses returns the seven statuses in code order.
func Statuses() []Status {
	return []Status{StatusPending, StatusApproved, StatusRefused, StatusMissed, StatusDone, StatusCancelled, StatusDraft}
}

// Valid reports whether s is one of the seven statuses.
func (s Status) Valid() bool { return s >= StatusPending && s <= StatusDraft }

// String returns the status's English name ("pending", "approved", ...),
// "none" for StatusNone, or "status(N)" for an unknown code.
func (s Status) String() string {
	if s.Valid() {
		return statusNames[s]
	}
	if s == StatusNone {
		return "none"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Label returns the status's label in lang ("it" or "en"; any other
// language gets Italian, the platform's own language).
func (s Status) Label(lang string) string {
	if !s.Valid() {
		return s.String()
	}
	labels, ok := statusLabels[strings.ToLower(lang)]
	if !ok {
		labels = statusLabels["it"]
	}
	return labels[s]
}

// IsFinal reports whether no action leaves s: refused, missed, done and
// cancelled.
func (s Status) IsFinal() bool {
	switch s {
	case StatusRefused, StatusMissed, StatusDone, StatusCancelled:
		return true
	}
	return false
}

// IsActive reports whether s is pending or approved: the statuses that
// count as an active booking of a pratica or of a citizen.
func (s Status) IsActive() bool { return s == StatusPending || s == StatusApproved }

// ParseStatus parses a status's name ("approved", any case) or its code
// ("1"), and reports whether text named one, like practice.ParseStatus.
func ParseStatus(text string) (Status, bool) {
	t := strings.ToLower(strings.TrimSpace(text))
	for i, n := range statusNames {
		if t == n || t == strconv.Itoa(i) {
			return Status(i), true
		}
	}
	return StatusNone, false
}
