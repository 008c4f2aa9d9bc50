package payment

// Status is a payment record's place in its lifecycle (the payment proxy
// states of the pagoPA payment proxy).
type Status string

// The statuses. Complete, Canceled, Expired, CreationFailed and Failed are
// final.
const (
	// StatusCreationPending: stored, the debt position not yet created.
	StatusCreationPending Status = "creation_pending"
	// StatusCreationFailed: the gateway refused the debt position. Final.
	StatusCreationFailed Status = "creation_failed"
	// StatusPending: the position exists and waits to be paid.
	StatusPending Status = "payment_pending"
	// StatusStarted: the payer started paying at a PSP.
	StatusStarted Status = "payment_started"
	// StatusFailed: the payment failed at the PSP (rarely used). Final.
	StatusFailed Status = "payment_failed"
	// StatusComplete: paid, with a receipt. Final; nothing leaves it.
	StatusComplete Status = "complete"
	// StatusCanceled: withdrawn before being paid. Final.
	StatusCanceled Status = "canceled"
	// StatusExpired: the due date passed unpaid. Final.
	StatusExpired Status = "expired"
)

// statusInfo is a status's labels.
type statusInfo struct{ it, en string }

// statusLabels holds every status; Statuses lists them in lifecycle order.
var statusLabels = map[Status]statusInfo{
	StatusCreationPending: {"In creazione", "Being created"},
	StatusCreationFailed:  {"Creazione non riuscita", "Creation failed"},
	StatusPending:         {"Da pagare", "Awaiting payment"},
	StatusStarted:         {"Pagamento in corso", "Payment started"},
	StatusFailed:          {"Pagamento non riuscito", "Payment failed"},
	StatusComplete:        {"Pagato", "Paid"},
	StatusCanceled:        {"Annullato", "Canceled"},
	StatusExpired:         {"Scaduto", "Expired"},
}

// Statuses returns every status in lifecycle order: the open ones, then
// the final ones.
func Statuses() []Status {
	return []Status{StatusCreationPending, StatusPending, StatusStarted,
		StatusComplete, StatusCreationFailed, StatusFailed, StatusCanceled, StatusExpired}
}

// String returns the status's name, e.g. "payment_pending".
func (s Status) String() string { return string(s) }

// Label returns the human label in lang ("it" or "en"; any other language
// gets the English label); an unknown status gets its name.
func (s Status) Label(lang string) string {
	i, ok := statusLabels[s]
	if !ok {
		return string(s)
	}
	if lang == "it" {
		return i.it
	}
	return i.en
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	_, ok := statusLabels[s]
	return ok
}

// IsFinal reports whether s is final: complete, canceled, expired,
// creation_failed or payment_failed. Only a late receipt moves a final
// record (to complete).
func (s Status) IsFinal() bool {
	switch s {
	case StatusComplete, StatusCanceled, StatusExpired, StatusCreationFailed, StatusFailed:
		return true
	}
	return false
}

// IsOpen reports whether s is creation_pending, payment_pending or
// payment_started: the record may still be paid, canceled or expire.
func (s Status) IsOpen() bool {
	switch s {
	case StatusCreationPending, StatusPending, StatusStarted:
		return true
	}
	return false
}
