package practice

// AppointmentEffect says what a pratica's status change does to the
// appointments linked to it (future ones, pending or approved). The
// appointment package, or the host, applies it.
type AppointmentEffect uint8

// The effects.
const (
	// AppointmentsUnchanged: nothing to do.
	AppointmentsUnchanged AppointmentEffect = iota
	// AppointmentsCancelled: the pratica was withdrawn or revoked; cancel
	// its appointments.
	AppointmentsCancelled
	// AppointmentsRefused: the pratica was rejected or its payment failed;
	// refuse its appointments.
	AppointmentsRefused
	// AppointmentsApproved: the pratica was accepted; approve its pending
	// appointments.
	AppointmentsApproved
)

// String returns "unchanged", "cancelled", "refused" or "approved".
func (e AppointmentEffect) String() string {
	switch e {
	case AppointmentsCancelled:
		return "cancelled"
	case AppointmentsRefused:
		return "refused"
	case AppointmentsApproved:
		return "approved"
	}
	return "unchanged"
}

// AppointmentEffectOf returns the effect of a pratica entering to on its
// linked appointments: withdrawn or revoked → cancelled; rejected (8000,
// 9000) or payment error → refused; accepted (6000, 7000) → pending ones
// approved. Pure.
func AppointmentEffectOf(to Status) AppointmentEffect {
	switch to {
	case StatusWithdrawn, StatusRevoked:
		return AppointmentsCancelled
	case StatusCancelledWaitingDocument, StatusCancelled, StatusPaymentError:
		return AppointmentsRefused
	case StatusCompleteWaitingDocument, StatusComplete:
		return AppointmentsApproved
	}
	return AppointmentsUnchanged
}
