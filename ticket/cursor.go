package ticket

import "encoding/base64"

// encodeCursor makes a listing cursor from the last ID of a page. The
// cursor is opaque to callers: its form may change.
func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r:" + id))
}

// decodeCursor returns the ID a cursor continues after; "" is the start.
func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || string(b[:2]) != "r:" {
		return "", invalid("cursor", "cursor", "is not a cursor returned by a listing")
	}
	return string(b[2:]), nil
}

// Page is one page of a request listing.
type Page struct {
	// Requests of the page, newest first.
	Requests []*Request
	// Next is the cursor of the following page; empty on the last page.
	Next string
}
