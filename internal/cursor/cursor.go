// Package cursor is the keyset-cursor codec every listing shares: a page's
// cursor holds the sort key of its last row, tagged with the listing it
// belongs to, as URL-safe base64. Callers treat cursors as opaque strings;
// a cursor of another listing, or one that was altered, is refused.
package cursor

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrInvalid is returned for a cursor that no listing of this kind
// produced. Packages report it as a validation failure of the "cursor"
// field (Message).
var ErrInvalid = errors.New("cursor: not a cursor returned by a listing")

// Message is the human message of an invalid cursor, the same in every
// package.
const Message = "is not a cursor returned by a listing"

// sep separates the parts of a cursor; parts may not contain it.
const sep = "\x1f"

// Encode makes the cursor of a listing tagged kind (a short constant such
// as "a" or "practice/office") that continues after the row whose sort key
// is parts.
func Encode(kind string, parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + sep + strings.Join(parts, sep)))
}

// Decode returns the n parts of a cursor Encode made for kind; "" decodes
// to nil (the first page). Any other input is ErrInvalid.
func Decode(c, kind string, n int) ([]string, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrInvalid
	}
	k, rest, ok := strings.Cut(string(b), sep)
	if !ok || k != kind {
		return nil, ErrInvalid
	}
	parts := strings.Split(rest, sep)
	if len(parts) != n {
		return nil, ErrInvalid
	}
	return parts, nil
}
