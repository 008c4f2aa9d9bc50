// Package fakegateway is an in-memory payment.Gateway for tests and
// examples. It plays the payment platform (creating, reporting and
// canceling debt positions, idempotently by payment ID, as a real
// connector must) and the payer (Start, Pay, Fail), and queues the
// notifications the platform would send.
//
// A test can make it misbehave: FailNext makes the next call of an
// operation fail, SetDelay slows every call down, DeliverTwice and
// DeliverReversed make Deliver hand notifications over twice or out of
// order. Notifications are delivered by Deliver to any function (To(desk)
// applies them to a payment.Desk), or taken with Take for the test to apply
// by hand.
package fakegateway
