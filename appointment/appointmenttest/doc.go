// Package appointmenttest checks that an appointment.Store behaves as the
// Desk relies on: round trips, version checks, tenant isolation, capacity
// decided atomically under concurrency (across several store instances
// sharing one database), draft expiry, the one-active-booking-per-pratica
// rule, listings and the outbox. Every adapter's tests call Run.
package appointmenttest
