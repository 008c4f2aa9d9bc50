package practice

import (
	"strconv"
)

// Status is a pratica's place in its lifecycle. The numeric values are the
// codes of the municipal platform whose rules sportello follows, so that hosts
// migrating from it can map their data one to one.
type Status int

// The statuses, in lifecycle order. StatusNone is the zero value: no
// pratica (before creation, after deletion).
const (
	StatusNone                       Status = 0
	StatusDraft                      Status = 1000
	StatusPaymentPending             Status = 1500
	StatusPaymentOutcomePending      Status = 1510
	StatusPaymentSuccess             Status = 1520
	StatusPaymentError               Status = 1530
	StatusPreSubmit                  Status = 1900
	StatusSubmitted                  Status = 2000
	StatusRegistered                 Status = 3000
	StatusPending                    Status = 4000
	StatusRequestIntegration         Status = 4100
	StatusDraftForIntegration        Status = 4200
	StatusSubmittedAfterIntegration  Status = 4300
	StatusRegisteredAfterIntegration Status = 4400
	StatusPendingAfterIntegration    Status = 4500
	StatusCompleteWaitingDocument    Status = 6000
	StatusComplete                   Status = 7000
	StatusCancelledWaitingDocument   Status = 8000
	StatusCancelled                  Status = 9000
	StatusWithdrawn                  Status = 20000
	StatusRevoked                    Status = 50000
)

// statusInfo holds the names and labels of one status.
type statusInfo struct {
	s      Status
	name   string
	it, en string
}

// statusTable lists every status once, in ascending code order (which is
// lifecycle order): adding a status means adding its constant and its
// line here; the lifecycle's index derives its slots from this table.
var statusTable = [...]statusInfo{
	{StatusDraft, "draft", "Bozza", "Draft"},
	{StatusPaymentPending, "payment_pending", "In attesa di pagamento", "Waiting for payment"},
	{StatusPaymentOutcomePending, "payment_outcome_pending", "In attesa dell'esito di pagamento", "Waiting for the payment outcome"},
	{StatusPaymentSuccess, "payment_success", "Pagamento avvenuto con successo", "Payment successful"},
	{StatusPaymentError, "payment_error", "Pagamento rifiutato", "Payment refused"},
	{StatusPreSubmit, "pre_submit", "Inviata", "Sent"},
	{StatusSubmitted, "submitted", "Acquisita", "Acquired"},
	{StatusRegistered, "registered", "Protocollata", "Registered"},
	{StatusPending, "pending", "Presa in carico", "Taken in charge"},
	{StatusRequestIntegration, "request_integration", "Richiesta integrazioni", "Integration requested"},
	{StatusDraftForIntegration, "draft_for_integration", "In attesa di integrazioni", "Waiting for integrations"},
	{StatusSubmittedAfterIntegration, "submitted_after_integration", "Integrazioni concluse", "Integrations sent"},
	{StatusRegisteredAfterIntegration, "registered_after_integration", "Integrazioni protocollate", "Integrations registered"},
	{StatusPendingAfterIntegration, "pending_after_integration", "Presa in carico in seguito a integrazioni", "Taken in charge after integrations"},
	{StatusCompleteWaitingDocument, "complete_waiting_document", "Accettata (in attesa di protocollo)", "Accepted (outcome being registered)"},
	{StatusComplete, "complete", "Accettata", "Accepted"},
	{StatusCancelledWaitingDocument, "cancelled_waiting_document", "Rifiutata (in attesa di protocollo)", "Rejected (outcome being registered)"},
	{StatusCancelled, "cancelled", "Rifiutata", "Rejected"},
	{StatusWithdrawn, "withdrawn", "Ritirata", "Withdrawn"},
	{StatusRevoked, "revoked", "Annullata", "Revoked"},
}

func (s Status) info() (statusInfo, bool) {
	if i, ok := statusIndex(s); ok {
		return statusTable[i], true
	}
	return statusInfo{}, false
}

// statusIndex returns s's position in statusTable (ascending codes).
func statusIndex(s Status) (int, bool) {
	lo, hi := 0, len(statusTable)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if statusTable[m].s < s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(statusTable) && statusTable[lo].s == s
}

// Statuses returns every status, in lifecycle order.
func Statuses() []Status {
	out := make([]Status, len(statusTable))
	for i, s := range statusTable {
		out[i] = s.s
	}
	return out
}

// Valid reports whether s is one of the statuses (StatusNone is not).
func (s Status) Valid() bool {
	_, ok := s.info()
	return ok
}

// String returns the snake_case name, e.g. "payment_pending"; "none" for
// StatusNone and the number for an unknown code.
func (s Status) String() string {
	if i, ok := s.info(); ok {
		return i.name
	}
	if s == StatusNone {
		return "none"
	}
	return strconv.Itoa(int(s))
}

// Label returns the human label in lang ("it" or "en"; any other language
// gets the English label).
func (s Status) Label(lang string) string {
	i, ok := s.info()
	if !ok {
		return s.String()
	}
	if lang == "it" {
		return i.it
	}
	return i.en
}

// IsFinal reports whether s ends the lifecycle: complete, cancelled,
// withdrawn and revoked. Reopening (where the service allows it) is the
// only way out of the first three.
func (s Status) IsFinal() bool {
	switch s {
	case StatusComplete, StatusCancelled, StatusWithdrawn, StatusRevoked:
		return true
	}
	return false
}

// ParseStatus returns the status named name (as String returns it), or
// false.
func ParseStatus(name string) (Status, bool) {
	for _, i := range statusTable {
		if i.name == name {
			return i.s, true
		}
	}
	return StatusNone, false
}
