package fielderr_test

import (
	"testing"

	"github.com/sportello/sportello/internal/fielderr"
)

// fieldError stands for a package's own FieldError type.
type fieldError struct {
	// Field, Rule and Message as in every package.
	Field   string
	Rule    string
	Message string
}

func TestMessageAndHas(t *testing.T) {
	fields := []fieldError{
		{Field: "amount", Rule: "required", Message: "is required"},
		{Field: "payer", Rule: "codicefiscale", Message: "must be a valid codice fiscale"},
	}
	want := "payment: invalid input: amount: is required; payer: must be a valid codice fiscale"
	if got := fielderr.Message("payment", fields); got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if got := fielderr.Message[fieldError]("ticket", nil); got != "ticket: invalid input: " {
		t.Errorf("Message of no fields = %q", got)
	}
	tests := []struct {
		field, rule string
		want        bool
	}{
		{"amount", "required", true},
		{"amount", "", true},
		{"amount", "max", false},
		{"payer", "codicefiscale", true},
		{"reason", "", false},
	}
	for _, tt := range tests {
		if got := fielderr.Has(fields, tt.field, tt.rule); got != tt.want {
			t.Errorf("Has(%q, %q) = %v, want %v", tt.field, tt.rule, got, tt.want)
		}
	}
}
