package ticket

import (
	"errors"
	"strings"
	"testing"
)

func TestNumberExtraFieldsAreBounded(t *testing.T) {
	defs := []ExtraField{{Name: "n", Label: "N", Type: FieldNumber}}
	tests := []struct {
		in string
		ok bool
	}{
		{"12", true},
		{"-3.50", true},
		{"+7", true},
		{"0.000001", true},
		{"999999999999999", true},
		{"999999999999999.999999", true},
		{"1e400", false},
		{"1E3", false},
		{"1000000000000000", false},
		{"0.0000001", false},
		{"1.", false},
		{".5", false},
		{"-", false},
		{"1,5", false},
		{"١٢", false}, // Arabic-Indic digits
		{"NaN", false},
		{"Infinity", false},
		{" 12", false},
		{"0x10", false},
		{strings.Repeat("9", 400), false},
	}
	for _, tt := range tests {
		err := CheckExtra(defs, map[string]string{"n": tt.in})
		if tt.ok != (err == nil) {
			t.Errorf("%q: %v, want ok=%v", tt.in, err, tt.ok)
		}
		var ve *ValidationError
		if err != nil && (!errors.As(err, &ve) || !ve.Has("extra.n", "number")) {
			t.Errorf("%q: %v, want a number failure on extra.n", tt.in, err)
		}
	}
}

func TestTextExtraFieldsFollowTheTextRule(t *testing.T) {
	defs := []ExtraField{{Name: "note", Label: "Note", Type: FieldText, MaxLength: 5}}
	for in, rule := range map[string]string{
		"a\nb":   "",
		"a\tb":   "",
		"àèìòù":  "",
		"a\x00b": "text",
		"a\xffb": "text",
		"a\x1bb": "text",
		"àèìòùà": "max",
	} {
		err := CheckExtra(defs, map[string]string{"note": in})
		if rule == "" {
			if err != nil {
				t.Errorf("%q refused: %v", in, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || !ve.Has("extra.note", rule) {
			t.Errorf("%q: %v, want rule %s on extra.note", in, err, rule)
		}
	}
}
