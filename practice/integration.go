package practice

import (
	"time"
)

// IntegrationState says where an integration request is.
type IntegrationState string

// The integration states.
const (
	// IntegrationOpen: waiting for the citizen's answer.
	IntegrationOpen IntegrationState = "open"
	// IntegrationAnswered: the citizen answered (or the operator accepted
	// the citizen's messages as the answer).
	IntegrationAnswered IntegrationState = "answered"
	// IntegrationCancelled: the operator withdrew the request.
	IntegrationCancelled IntegrationState = "cancelled"
)

// IntegrationAnswer is the citizen's answer to an integration request.
type IntegrationAnswer struct {
	// At is a UTC instant.
	At time.Time
	// By is the answering principal's ID (the owner, or the operator who
	// accepted the citizen's messages as the answer).
	By string
	// MessageID names the message carrying the answer's text.
	MessageID string
	// Attachments are the documents sent.
	Attachments []Attachment
	// ProtocolNumber is set once the answer is registered.
	ProtocolNumber string
}

// IntegrationRequest is an operator's request for more documents.
type IntegrationRequest struct {
	// ID is unique within the pratica.
	ID string
	// RequestedAt is a UTC instant; RequestedBy the operator's ID.
	RequestedAt time.Time
	RequestedBy string
	// MessageID names the applicant-visible message carrying the request.
	MessageID string
	// Attachments are documents sent with the request.
	Attachments []Attachment
	// State is open, answered or cancelled.
	State IntegrationState
	// ProtocolNumber is set once the request is registered.
	ProtocolNumber string
	// Answer is set once answered.
	Answer *IntegrationAnswer
	// ClosedAt is when the request was answered or cancelled.
	ClosedAt time.Time
}
