package payment

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in    string
		cents int64
		rule  string
	}{
		{"16", 1600, ""},
		{"16.00", 1600, ""},
		{"16.5", 1650, ""},
		{"16,50", 1650, ""},
		{" 0.01 ", 1, ""},
		{"999999999999.99", 99999999999999, ""},
		{"0", 0, "positive"},
		{"0.00", 0, "positive"},
		{"1.234", 0, "decimals"},
		{"1000000000000", 0, "max"},
		{"-1", 0, "format"},
		{"+1", 0, "format"},
		{"1e2", 0, "format"},
		{"1.", 0, "format"},
		{".5", 0, "format"},
		{"1.2.3", 0, "format"},
		{"1,000.00", 0, "format"},
		{"", 0, "format"},
		{"abc", 0, "format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseAmount(tt.in)
			if tt.rule != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || !ve.Has("amount", tt.rule) {
					t.Fatalf("ParseAmount(%q) error = %v, want rule %s", tt.in, err, tt.rule)
				}
				if !errors.Is(err, ErrValidation) {
					t.Fatalf("error does not match ErrValidation")
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", tt.in, err)
			}
			c, err := Cents(d)
			if err != nil || c != tt.cents {
				t.Fatalf("Cents(ParseAmount(%q)) = %d, %v; want %d", tt.in, c, err, tt.cents)
			}
		})
	}
}

func TestCentsRoundTrip(t *testing.T) {
	for _, c := range []int64{1, 99, 100, 1600, 123456789, 99999999999999, -250} {
		got, err := Cents(FromCents(c))
		if err != nil || got != c {
			t.Errorf("Cents(FromCents(%d)) = %d, %v", c, got, err)
		}
	}
	if _, err := Cents(decimal.RequireFromString("1.001")); !errors.Is(err, ErrValidation) {
		t.Errorf("Cents(1.001) error = %v, want ErrValidation", err)
	}
	if _, err := Cents(decimal.New(1, 20)); !errors.Is(err, ErrValidation) {
		t.Errorf("Cents(1e20) error = %v, want ErrValidation", err)
	}
	if got := FormatAmount(FromCents(1650)); got != "16.50" {
		t.Errorf("FormatAmount = %q, want 16.50", got)
	}
}

func TestValidateAmount(t *testing.T) {
	tests := []struct {
		in   string
		rule string
	}{
		{"0.01", ""},
		{"16", ""},
		{"0", "positive"},
		{"-5", "positive"},
		{"0.001", "decimals"},
		{"1000000000000", "max"},
	}
	for _, tt := range tests {
		err := ValidateAmount(decimal.RequireFromString(tt.in))
		var ve *ValidationError
		switch {
		case tt.rule == "" && err != nil:
			t.Errorf("ValidateAmount(%s): %v", tt.in, err)
		case tt.rule != "" && (!errors.As(err, &ve) || !ve.Has("amount", tt.rule)):
			t.Errorf("ValidateAmount(%s) = %v, want rule %s", tt.in, err, tt.rule)
		}
	}
}

func TestSplitMustSumExactlyToTotal(t *testing.T) {
	d := decimal.RequireFromString
	share := func(a string) Split { return Split{Beneficiary: "00000000001", Amount: d(a)} }
	tests := []struct {
		name   string
		total  string
		shares []Split
		field  string
		rule   string
	}{
		{"empty", "10", nil, "", ""},
		{"exact", "10.00", []Split{share("3.33"), share("6.67")}, "", ""},
		{"one cent short", "10.00", []Split{share("3.33"), share("6.66")}, "split", "split_sum"},
		{"one cent over", "10.00", []Split{share("3.34"), share("6.67")}, "split", "split_sum"},
		{"bad share amount", "10", []Split{share("10.001")}, "split[0].amount", "decimals"},
		{"zero share", "10", []Split{share("10"), share("0")}, "split[1].amount", "positive"},
		{"bad beneficiary", "10", []Split{{Beneficiary: "123", Amount: d("10")}}, "split[0].beneficiary", "beneficiary"},
		{"too many", "6", []Split{share("1"), share("1"), share("1"), share("1"), share("1"), share("1")}, "split", "max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSplit(d(tt.total), tt.shares)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("ValidateSplit: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !ve.Has(tt.field, tt.rule) {
				t.Fatalf("ValidateSplit = %v, want %s/%s", err, tt.field, tt.rule)
			}
		})
	}
}
