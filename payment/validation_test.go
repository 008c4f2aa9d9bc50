package payment

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/shopspring/decimal"
)

func TestRegisterValidations(t *testing.T) {
	v := validator.New()
	if err := RegisterValidations(v); err != nil {
		t.Fatal(err)
	}
	good, _ := NewSegregationNoticeCode(1, 99)
	type input struct {
		Code  string     `validate:"noticecode"`
		Typed NoticeCode `validate:"noticecode"`
		Payer string     `validate:"codicefiscale|partitaiva"`
	}
	tests := []struct {
		name string
		in   input
		bad  []string
	}{
		{"valid with codice fiscale", input{good.String(), good, "RSSMRA80A01H501U"}, nil},
		{"valid with partita IVA", input{good.Grouped(), good, "01234567897"}, nil},
		{"all bad", input{"123", NoticeCode{}, "nobody"}, []string{"Code", "Typed", "Payer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Struct(tt.in)
			var got []string
			var verrs validator.ValidationErrors
			if errors.As(err, &verrs) {
				for _, fe := range verrs {
					got = append(got, fe.Field())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.bad) {
				t.Fatalf("failed fields %v, want %v", got, tt.bad)
			}
			for i := range got {
				if got[i] != tt.bad[i] {
					t.Fatalf("failed fields %v, want %v", got, tt.bad)
				}
			}
		})
	}
}

func TestCheckNewPaymentListsEveryField(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := NewPayment{
		Kind:    "cash",
		Amount:  decimal.RequireFromString("1.005"),
		Payer:   "nobody",
		Reason:  strings.Repeat("é", MaxReasonLen+1),
		DueAt:   now.Add(-time.Hour),
		Split:   []Split{{Beneficiary: "1", Amount: decimal.RequireFromString("1")}},
		Subject: "bad\x00subject",
	}
	_, err := checkNewPayment(in, now)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	for _, f := range []struct{ field, rule string }{
		{"kind", "oneof"}, {"amount", "decimals"}, {"payer", "payer"}, {"reason", "max"},
		{"service", "required"}, {"due_at", "future"}, {"split[0].beneficiary", "beneficiary"},
		{"subject", "text"},
	} {
		if !ve.Has(f.field, f.rule) {
			t.Errorf("missing %s/%s in %v", f.field, f.rule, ve)
		}
	}
	if ve.Error() == "" || len(ve.Fields) != 8 {
		t.Errorf("fields: %v", ve.Fields)
	}
}

func TestValidStampIdentifier(t *testing.T) {
	for s, want := range map[string]bool{
		"01234567890123":  true,
		"0123456789012":   false,
		"012345678901234": false,
		"0123456789012a":  false,
	} {
		if ValidStampIdentifier(s) != want {
			t.Errorf("ValidStampIdentifier(%q) != %v", s, want)
		}
	}
}
