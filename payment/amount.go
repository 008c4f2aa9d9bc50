package payment

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxAmountDigits is how many digits the euro part of an amount may have:
// amounts go up to 999 999 999 999.99 EUR, so that their cents always fit
// an int64 with room to sum them.
const MaxAmountDigits = 12

var maxAmount = decimal.New(1, MaxAmountDigits)

// ParseAmount reads a euro amount written as digits with an optional
// decimal point and at most two decimals ("16", "16.5", "16.00"); spaces
// around it are ignored, and a decimal comma ("16,00") is accepted as
// Italian users write it. Signs, exponents, thousands separators and more
// than two decimals are refused, and so are zero and amounts above
// MaxAmountDigits euro digits. The error is a *ValidationError on field
// "amount".
func ParseAmount(s string) (decimal.Decimal, error) {
	s = strings.Trim(s, " ")
	var units, cents int64
	intDigits, fracDigits := 0, 0
	seenPoint, tooLong := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if seenPoint {
				fracDigits++
				if fracDigits <= 2 {
					cents = cents*10 + int64(c-'0')
				}
				continue
			}
			intDigits++
			if intDigits > MaxAmountDigits {
				tooLong = true
				continue
			}
			units = units*10 + int64(c-'0')
		case (c == '.' || c == ',') && !seenPoint:
			seenPoint = true
		default:
			return decimal.Decimal{}, amountError("format", "must be a number of euros with at most 2 decimals")
		}
	}
	if intDigits == 0 || (seenPoint && fracDigits == 0) {
		return decimal.Decimal{}, amountError("format", "must be a number of euros with at most 2 decimals")
	}
	if fracDigits > 2 {
		return decimal.Decimal{}, amountError("decimals", "must have at most 2 decimals")
	}
	if tooLong {
		return decimal.Decimal{}, amountError("max", "must be less than 10^12 euros")
	}
	if fracDigits == 1 {
		cents *= 10
	}
	total := units*100 + cents
	if total == 0 {
		return decimal.Decimal{}, amountError("positive", "must be more than 0")
	}
	return FromCents(total), nil
}

func amountError(rule, msg string) error {
	return &ValidationError{Fields: []FieldError{{Field: "amount", Rule: rule, Message: msg}}}
}

// ValidateAmount checks that d is a valid payment amount: more than 0, at
// most 2 decimals, and less than 10^MaxAmountDigits euros. The error is a
// *ValidationError on field "amount".
func ValidateAmount(d decimal.Decimal) error {
	var v validationErrors
	checkAmount(&v, "amount", d)
	return v.err()
}

// checkAmount adds to v the rules d breaks as the amount in field.
func checkAmount(v *validationErrors, field string, d decimal.Decimal) {
	switch {
	case d.Sign() <= 0:
		v.add(field, "positive", "must be more than 0")
	case !d.Equal(d.Truncate(2)):
		v.add(field, "decimals", "must have at most 2 decimals")
	case d.GreaterThanOrEqual(maxAmount):
		v.add(field, "max", "must be less than 10^12 euros")
	}
}

// Cents converts an amount to integer euro cents, exactly. Amounts with
// more than 2 decimals, or too large for MaxAmountDigits, are refused with
// a *ValidationError; the sign is kept.
func Cents(d decimal.Decimal) (int64, error) {
	if !d.Equal(d.Truncate(2)) {
		return 0, amountError("decimals", "must have at most 2 decimals")
	}
	if d.Abs().GreaterThanOrEqual(maxAmount) {
		return 0, amountError("max", "must be less than 10^12 euros")
	}
	return d.Shift(2).IntPart(), nil
}

// FromCents converts integer euro cents to an amount: FromCents(1600) is
// 16.00 EUR. Cents(FromCents(c)) == c for every c within range.
func FromCents(c int64) decimal.Decimal { return decimal.New(c, -2) }

// FormatAmount writes d with exactly two decimals and a decimal point
// ("16.00"), the form ParseAmount reads back.
func FormatAmount(d decimal.Decimal) string { return d.StringFixed(2) }

// MaxSplits is how many beneficiaries one payment may be divided among
// (pagoPA allows five transfers per payment).
const MaxSplits = 5

// ValidateSplit checks that shares divide total exactly: each share has an
// 11-digit beneficiary and a valid amount, there are at most MaxSplits
// shares, and the amounts sum to total to the cent. An empty split is
// valid (the whole amount goes to the tenant). The error is a
// *ValidationError.
func ValidateSplit(total decimal.Decimal, shares []Split) error {
	var v validationErrors
	checkSplit(&v, total, shares)
	return v.err()
}

func checkSplit(v *validationErrors, total decimal.Decimal, shares []Split) {
	if len(shares) == 0 {
		return
	}
	if len(shares) > MaxSplits {
		v.add("split", "max", "must contain at most 5 items")
		return
	}
	sum := decimal.Zero
	ok := true
	for i, s := range shares {
		field := "split[" + strconv.Itoa(i) + "]"
		if !allDigits(s.Beneficiary, 11) {
			v.add(field+".beneficiary", "beneficiary", "must be an 11-digit fiscal code of a public body")
		}
		before := len(*v)
		checkAmount(v, field+".amount", s.Amount)
		if len(*v) != before {
			ok = false
		}
		sum = sum.Add(s.Amount)
	}
	if ok && ValidateAmount(total) == nil && !sum.Equal(total) {
		v.add("split", "split_sum", "amounts must sum exactly to the payment amount")
	}
}

// allDigits reports whether s is exactly n ASCII digits.
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
