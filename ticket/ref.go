package ticket

import (
	"strconv"
	"strings"
)

// refPrefix starts every request reference.
const refPrefix = "R-"

// FormatRef returns the display reference of request number n: "R-" and
// at least six digits, e.g. FormatRef(123) == "R-000123".
func FormatRef(n int64) string {
	digits := strconv.FormatInt(n, 10)
	if len(digits) < 6 {
		digits = strings.Repeat("0", 6-len(digits)) + digits
	}
	return refPrefix + digits
}

// ParseRef parses a reference made by FormatRef and returns its number.
// It accepts a lower-case "r-" and surrounding spaces, and requires at
// least six digits (more only without superfluous leading zeros) and a
// number of at least 1, so that every number has exactly one canonical
// reference. Anything else is a *ValidationError on field "ref".
func ParseRef(s string) (int64, error) {
	bad := func(msg string) (int64, error) {
		return 0, invalid("ref", "ref", msg)
	}
	s = strings.TrimSpace(s)
	if len(s) < len(refPrefix) || !strings.EqualFold(s[:len(refPrefix)], refPrefix) {
		return bad("must start with R-")
	}
	digits := s[len(refPrefix):]
	if len(digits) < 6 || len(digits) > 19 {
		return bad("must have 6 to 19 digits")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return bad("must have only digits after R-")
		}
	}
	if len(digits) > 6 && digits[0] == '0' {
		return bad("has superfluous leading zeros")
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return bad("is out of range")
	}
	if n < 1 {
		return bad("must be at least R-000001")
	}
	return n, nil
}
