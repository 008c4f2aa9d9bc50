package auth

import (
	"fmt"
	"strings"
)

// ErrInvalidVATNumber is matched (through errors.Is) by every error
// ValidateVATNumber returns. It itself matches ErrValidation.
var ErrInvalidVATNumber = fmt.Errorf("%w: VAT number", ErrValidation)

// VATNumberError says which rule a partita IVA failed: RuleLength,
// RuleCharacter, RulePlaceholder or RuleCheck. Its message never contains
// the input. It matches ErrInvalidVATNumber and ErrValidation.
type VATNumberError struct {
	// Rule is the first rule the input failed.
	Rule FiscalCodeRule
}

// Error names the failed rule; it never contains the input.
func (e *VATNumberError) Error() string {
	var msg string
	switch e.Rule {
	case RuleLength:
		msg = "must be 11 digits"
	case RuleCharacter:
		msg = "must contain digits only"
	case RulePlaceholder:
		msg = "is a placeholder number"
	case RuleCheck:
		msg = "the check digit does not match"
	default:
		msg = "is not valid"
	}
	return "auth: invalid VAT number: " + msg
}

// Is reports whether target is ErrInvalidVATNumber or ErrValidation.
func (e *VATNumberError) Is(target error) bool {
	return target == ErrInvalidVATNumber || target == ErrValidation
}

// ValidateVATNumber checks an Italian partita IVA: 11 digits (surrounding
// white space ignored, no "IT" prefix) whose last digit is the check digit
// of the first ten, computed like the numeric codice fiscale's. The
// all-zero number "00000000000" is rejected as a placeholder. An invalid
// input gives a *VATNumberError naming the first failed rule.
func ValidateVATNumber(s string) error {
	s = strings.TrimSpace(s)
	if len(s) != 11 {
		return &VATNumberError{Rule: RuleLength}
	}
	zero := true
	for i := 0; i < 11; i++ {
		if !fcIsDigit(s[i]) {
			return &VATNumberError{Rule: RuleCharacter}
		}
		if s[i] != '0' {
			zero = false
		}
	}
	if zero {
		return &VATNumberError{Rule: RulePlaceholder}
	}
	var d [11]byte
	copy(d[:], s)
	if checkDigit11(d[:10]) != d[10] {
		return &VATNumberError{Rule: RuleCheck}
	}
	return nil
}
