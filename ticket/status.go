package ticket

import "slices"

// Status is where a request stands in its lifecycle. The string values are
// the names of the reference service-management tool's data model
// (UserRequest) and are what adapters store.
type Status string

// The statuses of a request.
const (
	// StatusNew is the initial status.
	StatusNew Status = "new"
	// StatusWaitingForApproval: the request waits for an approver.
	StatusWaitingForApproval Status = "waiting_for_approval"
	// StatusApproved: the approver agreed; the request waits for an agent.
	StatusApproved Status = "approved"
	// StatusRejected: the approver refused; reopen brings it back to new.
	StatusRejected Status = "rejected"
	// StatusAssigned: a team and an agent own the request.
	StatusAssigned Status = "assigned"
	// StatusPending: the agent waits for something (a reason is recorded);
	// the time-to-resolve stopwatch pauses.
	StatusPending Status = "pending"
	// StatusEscalatedTTO: the time-to-own target was missed.
	StatusEscalatedTTO Status = "escalated_tto"
	// StatusEscalatedTTR: the time-to-resolve target was missed.
	StatusEscalatedTTR Status = "escalated_ttr"
	// StatusResolved: a solution was given; the requester may close or reopen.
	StatusResolved Status = "resolved"
	// StatusClosed is terminal: the request is read-only.
	StatusClosed Status = "closed"
)

// Statuses lists every status in the order of the reference.
func Statuses() []Status {
	return []Status{
		StatusNew, StatusWaitingForApproval, StatusApproved, StatusRejected,
		StatusAssigned, StatusPending, StatusEscalatedTTO, StatusEscalatedTTR,
		StatusResolved, StatusClosed,
	}
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// String returns the status's name, as adapters store it.
func (s Status) String() string { return string(s) }

// statusLabels are the human labels of the statuses, Italian and English.
var statusLabels = map[Status]struct{ it, en string }{
	StatusNew:                {"Nuova", "New"},
	StatusWaitingForApproval: {"In attesa di approvazione", "Waiting for approval"},
	StatusApproved:           {"Approvata", "Approved"},
	StatusRejected:           {"Respinta", "Rejected"},
	StatusAssigned:           {"Assegnata", "Assigned"},
	StatusPending:            {"In sospeso", "Pending"},
	StatusEscalatedTTO:       {"Scalata (presa in carico in ritardo)", "Escalated (time to own missed)"},
	StatusEscalatedTTR:       {"Scalata (risoluzione in ritardo)", "Escalated (time to resolve missed)"},
	StatusResolved:           {"Risolta", "Resolved"},
	StatusClosed:             {"Chiusa", "Closed"},
}

// Label returns the human label in lang ("it" or "en"; any other language
// gets the English label); an unknown status gets its name.
func (s Status) Label(lang string) string {
	l, ok := statusLabels[s]
	switch {
	case !ok:
		return string(s)
	case lang == "it":
		return l.it
	}
	return l.en
}

// IsFinal reports whether s ends the lifecycle: closed, from which no
// move leads anywhere (a resolved or rejected request may still be
// reopened).
func (s Status) IsFinal() bool { return s == StatusClosed }
