package auth

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// fuzzAlnum holds every character a check character could be replaced by.
const fuzzAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func FuzzParseFiscalCode(f *testing.F) {
	for _, s := range []string{
		"RSSMRA80A01H501U", "MRTMTT91D08F205J", " rssmra80a01h501u ", "RSSMRA80A01H50MM",
		"RSSMRAULALMHRLMV", "BNCLRA85T50F205X", "RSSMRA80A01H501A", "RSSMRA80F01H501U",
		"RSSMRA80A32H501U", "RSSMRA80B30H501U", "06363391001", "00000000000", "06363391002",
		"", " ", "RSSMRA80A01H501", "RSSMRA80A01H501UU", "RSSMRÀ80A01H501U", "\x00\xff",
		"XXXXXX80A01H501Z", "\u00a0RSSMRA80A01H501U\u0085",
	} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		fc, err := ParseFiscalCode(s)
		if err != nil {
			var fe *FiscalCodeError
			if !errors.As(err, &fe) || !errors.Is(err, ErrValidation) || !errors.Is(err, ErrInvalidFiscalCode) {
				t.Fatalf("error %v is not a *FiscalCodeError matching the sentinels", err)
			}
			if fe.Rule < RuleLength || fe.Rule > RuleCheck {
				t.Fatalf("unexpected rule %d", fe.Rule)
			}
			if !fc.IsZero() {
				t.Fatal("a rejected code gave a non-zero FiscalCode")
			}
			if trimmed := strings.TrimSpace(s); len(trimmed) >= 4 && strings.Contains(err.Error(), trimmed) {
				t.Fatal("the error echoes the input")
			}
			return
		}

		str := fc.String()
		if str != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("String %q does not match the trimmed upper-case input", str)
		}
		again, err := ParseFiscalCode(str)
		if err != nil || again != fc {
			t.Fatalf("round trip through String failed: %v", err)
		}
		text, err := fc.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back FiscalCode
		if err := back.UnmarshalText(text); err != nil || back != fc {
			t.Fatalf("round trip through text failed: %v", err)
		}
		if _, err := json.Marshal(fc); err != nil {
			t.Fatal(err)
		}

		// Any other check character is rejected.
		last := str[len(str)-1]
		for i := 0; i < len(fuzzAlnum); i++ {
			c := fuzzAlnum[i]
			if c == last {
				continue
			}
			if _, err := ParseFiscalCode(str[:len(str)-1] + string(c)); err == nil {
				t.Fatalf("check character changed to %q still accepted", c)
			}
		}

		n := fc.Normalized()
		if n2, err := ParseFiscalCode(n.String()); err != nil || n2 != n || n.Normalized() != n {
			t.Fatalf("Normalized is not a valid fixed point: %v", err)
		}
		if n.PlaceCode() != fc.PlaceCode() || n.Sex() != fc.Sex() {
			t.Fatal("Normalized changed the decoded fields")
		}
		d1, ok1 := fc.BirthDate(now)
		d2, ok2 := n.BirthDate(now)
		if ok1 != ok2 || !d1.Equal(d2) {
			t.Fatal("Normalized changed the birth date")
		}
		if fc.IsPersonal() {
			if ns := n.String(); !ok1 && (ns[8] != 'B' || (ns[9:11] != "29" && ns[9:11] != "69")) {
				t.Fatal("BirthDate failed for a date other than 29 February")
			}
			if ok1 && (d1.Year() > now.Year() || d1.Year() <= now.Year()-100) {
				t.Fatalf("year %d outside the century window", d1.Year())
			}
			if len(fc.PlaceCode()) != 4 || fc.Sex().String() == "" {
				t.Fatal("personal code without place or sex")
			}
		} else if ok1 || fc.Sex() != 0 || fc.PlaceCode() != "" {
			t.Fatal("numeric code with personal data")
		}
		_ = fc.IsPlaceholder()
	})
}

func FuzzValidateVATNumber(f *testing.F) {
	for _, s := range []string{
		"06363391001", "06363391002", "00000000000", " 06363391001 ", "12345678903",
		"IT06363391001", "0636339100", "063633910011", "0636339100A", "", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateVATNumber(s)
		if err != nil {
			var ve *VATNumberError
			if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) || !errors.Is(err, ErrInvalidVATNumber) {
				t.Fatalf("error %v is not a *VATNumberError matching the sentinels", err)
			}
			if trimmed := strings.TrimSpace(s); len(trimmed) >= 4 && strings.Contains(err.Error(), trimmed) {
				t.Fatal("the error echoes the input")
			}
			return
		}
		vat := strings.TrimSpace(s)
		// A valid partita IVA is a valid numeric codice fiscale.
		if fc, err := ParseFiscalCode(vat); err != nil || fc.String() != vat {
			t.Fatalf("accepted as partita IVA but not as numeric fiscal code: %v", err)
		}
		// Every single-digit change is caught.
		for i := 0; i < len(vat); i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == vat[i] {
					continue
				}
				if ValidateVATNumber(vat[:i]+string(d)+vat[i+1:]) == nil {
					t.Fatalf("digit %d changed to %q still accepted", i+1, d)
				}
			}
		}
	})
}
