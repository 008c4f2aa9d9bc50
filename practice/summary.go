package practice

import (
	"strings"
	"time"
)

// Summary is what a back-office list shows of a pratica: a row of the
// list, never its history, messages or form data. Stores return
// summaries for listings and exports without loading the aggregate; the
// pratica's page loads the aggregate with Get.
type Summary struct {
	// ID is the pratica's ID.
	ID ID
	// Service is the service's ID.
	Service string
	// Status is the current status.
	Status Status
	// Owner is the citizen who created the pratica (Name only if the
	// host gave one).
	Owner Owner
	// Assignee and Office are the operator and office in charge (empty:
	// none).
	Assignee, Office string
	// SubmittedAt is the sending time (zero until sent); LastChange the
	// time of the last status change (Practice.LastStatusChange).
	SubmittedAt, LastChange time.Time
	// ProtocolNumber is the pratica's protocol number (empty: none).
	ProtocolNumber string
	// Paid reports whether a linked payment is complete.
	Paid bool
}

// Summary returns the pratica's list row (pure), as Payment.Summary and
// Request.Summary do in payment and ticket.
func (p *Practice) Summary() Summary {
	return Summary{
		ID: p.ID, Service: p.Service, Status: p.Status, Owner: p.Owner, Assignee: p.Assignee, Office: p.Office,
		SubmittedAt: p.SubmittedAt, LastChange: p.LastStatusChange(), ProtocolNumber: p.ProtocolNumber, Paid: paymentMade(p),
	}
}

// Position returns s's position in a listing ordered by k.
func (s Summary) Position(k SortKey) Position {
	switch k {
	case SortSubmitted:
		return Position{At: s.SubmittedAt, ID: s.ID}
	case SortLastChange:
		return Position{At: s.LastChange, ID: s.ID}
	}
	return Position{ID: s.ID}
}

// SummaryPage is one page of a back-office listing.
type SummaryPage struct {
	// Items are the summaries of the page, in the listing's order.
	Items []Summary
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// SearchSeparator separates the searchable fields in SearchText and
// stands for spaces in SearchText and SearchKey. Text rules refuse it in
// every input, so a query never contains it.
const SearchSeparator = "\x1f"

// SearchText returns the text an office text query searches (pure): the
// upper-cased ID, owner's codice fiscale, protocol number and owner's
// name, each preceded by SearchSeparator, with every space replaced by
// it. A query q matches when SearchText contains SearchSeparator +
// SearchKey(q): q is a prefix of one of the fields or of a word of one,
// any further words of q continuing in the text's order (ID, codice
// fiscale, protocol number, name).
// Stores index this text (memstore: every suffix that starts after a
// separator in an ordered tree; pgstore: a trigram index).
func SearchText(s Summary) string {
	var b strings.Builder
	for _, f := range [...]string{string(s.ID), s.Owner.FiscalCode, s.ProtocolNumber, s.Owner.Name} {
		b.WriteString(SearchSeparator)
		b.WriteString(SearchKey(f))
	}
	return b.String()
}

// SearchKey normalizes a text query as SearchText normalizes the fields:
// upper case, spaces around trimmed, each space a SearchSeparator.
func SearchKey(q string) string {
	return strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(q)), " ", SearchSeparator)
}

// MatchesText reports whether s matches the normalized query key (the
// rule the stores implement with their indexes; pure).
func MatchesText(s Summary, key string) bool {
	return key == "" || strings.Contains(SearchText(s), SearchSeparator+key)
}
