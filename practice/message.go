package practice

import (
	"time"

	"github.com/sportello/sportello/auth"
)

// Visibility says who reads a message.
type Visibility string

// The visibilities.
const (
	// VisibilityApplicant: the citizen and the operators read it.
	VisibilityApplicant Visibility = "applicant"
	// VisibilityInternal: a private note, operators only.
	VisibilityInternal Visibility = "internal"
)

// Message is a message between the citizen and the office, or an
// operators' private note.
type Message struct {
	// ID is unique within the pratica.
	ID string
	// Author is the writing principal's ID; AuthorKind says whether a
	// citizen, an operator or the system wrote it.
	Author     string
	AuthorKind auth.Kind
	// Visibility is applicant or internal.
	Visibility Visibility
	// Subject is optional.
	Subject string
	// Text is the message.
	Text string
	// Attachments are references to the host's files.
	Attachments []Attachment
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}
