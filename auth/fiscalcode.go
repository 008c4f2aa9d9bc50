package auth

// FiscalCode is a validated Italian codice fiscale: either the 16-character
// personal code or the 11-digit numeric code. The zero value means "no
// code". It is a comparable value: use it as a map key or compare with ==.
type FiscalCode struct {
	code [16]byte
	n    uint8 // 16, 11, or 0 for the zero value
}

// String returns the canonical (upper-case) code, or "" for the zero value.
func (f FiscalCode) String() string { return string(f.code[:f.n]) }

// IsZero reports whether f is the zero value.
func (f FiscalCode) IsZero() bool { return f.n == 0 }
