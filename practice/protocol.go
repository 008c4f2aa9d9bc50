package practice

import (
	"context"
	"time"
)

// DocumentKind says what a protocol registration registered.
type DocumentKind string

// The documents registered in the office's protocol.
const (
	// DocumentApplication: the pratica itself (2000 → 3000).
	DocumentApplication DocumentKind = "application"
	// DocumentIntegrationRequest: an integration request (4100 → 4200).
	DocumentIntegrationRequest DocumentKind = "integration_request"
	// DocumentIntegrationAnswer: the citizen's answer (4300 → 4400).
	DocumentIntegrationAnswer DocumentKind = "integration_answer"
	// DocumentOutcome: the outcome document (6000 → 7000, 8000 → 9000).
	DocumentOutcome DocumentKind = "outcome"
)

// ProtocolRecord is one registration in the office's protocol.
type ProtocolRecord struct {
	// Document says what was registered; Ref names it (an integration
	// request's ID; empty for the application and the outcome).
	Document DocumentKind
	Ref      string
	// Number is the protocol number the registrar assigned.
	Number string
	// RegisteredAt is a UTC instant.
	RegisteredAt time.Time
}

// ProtocolDocument is what the Desk asks the host's Registrar to register.
type ProtocolDocument struct {
	// Tenant is the public body whose protocol registers the document.
	Tenant string
	// Practice and Service name the pratica and its service.
	Practice ID
	Service  string
	// Document says what to register; Ref names it (an integration
	// request's ID; empty for the application and the outcome).
	Document DocumentKind
	Ref      string
	// Attachments are the documents to register with it.
	Attachments []Attachment
	// IdempotencyKey is the same on every retry of one registration: the
	// registrar must return the number it already assigned to the key
	// instead of registering twice.
	IdempotencyKey string
}

// Registrar registers documents in the office's protocol (register of
// records). The host implements it for services that require protocol.
type Registrar interface {
	// Register registers doc and returns its protocol number. It must be
	// idempotent by doc.IdempotencyKey.
	Register(ctx context.Context, doc ProtocolDocument) (number string, err error)
}

// RegistrarFunc adapts a function to Registrar.
type RegistrarFunc func(ctx context.Context, doc ProtocolDocument) (string, error)

// Register calls f(ctx, doc).
func (f RegistrarFunc) Register(ctx context.Context, doc ProtocolDocument) (string, error) {
	return f(ctx, doc)
}
