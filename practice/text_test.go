package practice

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sportello/sportello/internal/textrule"
)

// FuzzFormData: any key and value either pass the text rule and come back
// unchanged (and stay unchanged when normalized again), or are refused
// with ErrValidation on the field "data"; nothing is rewritten.
func FuzzFormData(f *testing.F) {
	f.Add("nome", "Città 😀")
	f.Add("caf\xe9", "x")
	f.Add("a", "riga\r\nriga\t2")
	f.Add("k", "a\x00b")
	f.Add("", "\u0085")
	f.Fuzz(func(t *testing.T, key, value string) {
		in := map[string]any{key: value, "list": []any{value, 1.5, true, nil}}
		out, err := normalizeData(in)
		valid := textrule.Check(key, textrule.Line, MaxFormDataKeyLen) == "" && textrule.Valid(value, textrule.Long)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !ve.Has("data", "") {
				t.Fatalf("%q: %q: %v is not ErrValidation on data", key, value, err)
			}
			if valid {
				t.Fatalf("%q: %q: valid text refused: %v", key, value, err)
			}
			if strings.Contains(err.Error(), value) && value != "" && !utf8.ValidString(value) {
				t.Fatalf("the message quotes the value")
			}
			return
		}
		if !valid {
			t.Fatalf("%q: %q: bad text accepted", key, value)
		}
		if !reflect.DeepEqual(out, in) {
			t.Fatalf("rewritten: %#v → %#v", in, out)
		}
		again, err := normalizeData(out)
		if err != nil || !reflect.DeepEqual(again, out) {
			t.Fatalf("not stable: %#v, %v", again, err)
		}
	})
}

func BenchmarkNormalizeData(b *testing.B) {
	data := map[string]any{
		"nome": "Mario", "cognome": "Rossi", "indirizzo": map[string]any{"via": "Via Roma 1", "cap": "00100"},
		"familiari": []any{map[string]any{"nome": "Anna", "eta": 7.0}, map[string]any{"nome": "Luca", "eta": 9.0}},
		"note":      strings.Repeat("testo lungo con accenti àèìòù\n", 20), "reddito": 23456.78, "sposato": true,
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := normalizeData(data); err != nil {
			b.Fatal(err)
		}
	}
}
