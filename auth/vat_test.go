package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateVATNumber(t *testing.T) {
	valid := withDigit(t, "0636339100")
	tests := []struct {
		name string
		in   string
		rule FiscalCodeRule // 0: valid
	}{
		{"valid", valid, 0},
		{"valid with spaces", "  " + valid + "\n", 0},
		{"valid starting with 1", withDigit(t, "1234567890"), 0},
		{"empty", "", RuleLength},
		{"spaces", "   ", RuleLength},
		{"10 digits", valid[:10], RuleLength},
		{"12 digits", valid + "0", RuleLength},
		{"country prefix", "IT" + valid, RuleLength},
		{"inner space", valid[:5] + " " + valid[5:], RuleLength},
		{"letter", "A" + valid[1:], RuleCharacter},
		{"sign", "+" + valid[1:], RuleCharacter},
		{"non-ASCII byte", valid[:10] + "\xff", RuleCharacter},
		{"all zeros", "00000000000", RulePlaceholder},
		{"all zeros with spaces", " 00000000000 ", RulePlaceholder},
		{"wrong check digit", breakCheck(valid), RuleCheck},
		{"transposed digits", valid[1:2] + valid[0:1] + valid[2:], RuleCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateVATNumber(tt.in)
			if tt.rule == 0 {
				assert.NoError(t, err)
				return
			}
			var ve *VATNumberError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.rule, ve.Rule)
			assert.ErrorIs(t, err, ErrValidation)
			assert.ErrorIs(t, err, ErrInvalidVATNumber)
			assert.NotErrorIs(t, err, ErrInvalidFiscalCode)
			if trimmed := strings.TrimSpace(tt.in); len(trimmed) >= 4 {
				assert.NotContains(t, err.Error(), trimmed)
			}
		})
	}
}

func TestValidateVATNumberEverySingleDigitChange(t *testing.T) {
	// The check digit catches every single-digit substitution.
	for _, first10 := range []string{"0636339100", "1234567890", "9876543210", "0000000001"} {
		valid := withDigit(t, first10)
		require.NoError(t, ValidateVATNumber(valid))
		for i := 0; i < 11; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == valid[i] {
					continue
				}
				changed := valid[:i] + string(rune(d)) + valid[i+1:]
				if changed == "00000000000" {
					continue
				}
				assert.Error(t, ValidateVATNumber(changed), "position %d digit %c", i+1, d)
			}
		}
	}
}

func TestValidateVATNumberMatchesNumericFiscalCode(t *testing.T) {
	for _, first10 := range []string{"0636339100", "1234567890", "8000000000"} {
		code := withDigit(t, first10)
		require.NoError(t, ValidateVATNumber(code))
		_, err := ParseFiscalCode(code)
		require.NoError(t, err)
		bad := breakCheck(code)
		assert.Error(t, ValidateVATNumber(bad))
		_, err = ParseFiscalCode(bad)
		assert.Error(t, err)
	}
}

func TestVATNumberErrorMessages(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range []FiscalCodeRule{RuleLength, RuleCharacter, RulePlaceholder, RuleCheck, 0} {
		msg := (&VATNumberError{Rule: r}).Error()
		assert.True(t, strings.HasPrefix(msg, "auth: invalid VAT number: "), msg)
		assert.False(t, seen[msg], "duplicate message %q", msg)
		seen[msg] = true
	}
	assert.ErrorIs(t, ErrInvalidVATNumber, ErrValidation)
}
