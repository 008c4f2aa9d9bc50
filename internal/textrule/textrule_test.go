package textrule_test

import (
	"testing"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/internal/textrule"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		line, long bool
	}{
		{"plain", "Richiesta di residenza", true, true},
		{"accents and emoji", "Città già 😀", true, true},
		{"empty", "", true, true},
		{"NUL", "a\x00b", false, false},
		{"invalid UTF-8", "a\xffb", false, false},
		{"truncated UTF-8", "caf\xc3", false, false},
		{"newline", "a\nb", false, true},
		{"CR LF", "a\r\nb", false, true},
		{"lone CR", "a\rb", false, false},
		{"CR at end", "a\r", false, false},
		{"tab", "a\tb", false, true},
		{"escape", "a\x1bb", false, false},
		{"DEL", "a\x7fb", false, false},
		{"C1 control", "a\u0085b", false, false},
	}
	for _, tt := range tests {
		if got := textrule.Valid(tt.in, textrule.Line); got != tt.line {
			t.Errorf("%s: Valid(Line) = %v, want %v", tt.name, got, tt.line)
		}
		if got := textrule.Valid(tt.in, textrule.Long); got != tt.long {
			t.Errorf("%s: Valid(Long) = %v, want %v", tt.name, got, tt.long)
		}
	}
}

func TestCheckCountsCharacters(t *testing.T) {
	if got := textrule.Check("àààà", textrule.Line, 4); got != "" {
		t.Errorf("four accented letters with max 4: %q, want pass", got)
	}
	if got := textrule.Check("ààààà", textrule.Line, 4); got != textrule.RuleMax {
		t.Errorf("five letters with max 4: %q, want %q", got, textrule.RuleMax)
	}
	if got := textrule.Check("a\x00", textrule.Long, 4); got != textrule.RuleText {
		t.Errorf("NUL: %q, want %q", got, textrule.RuleText)
	}
	if got := textrule.Check("anything", textrule.Line, 0); got != "" {
		t.Errorf("no limit: %q", got)
	}
}

func TestRegister(t *testing.T) {
	v := validator.New()
	if err := textrule.Register(v); err != nil {
		t.Fatal(err)
	}
	type in struct {
		Title string   `validate:"line"`
		Body  string   `validate:"text"`
		Tags  []string `validate:"dive,line"`
	}
	if err := v.Struct(in{Title: "ok", Body: "a\nb", Tags: []string{"x"}}); err != nil {
		t.Errorf("good input refused: %v", err)
	}
	for _, bad := range []in{{Title: "a\nb"}, {Body: "a\x00"}, {Tags: []string{"\xff"}}} {
		if err := v.Struct(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{"", "abc", "a\r\nb", "\x00", "\xff", "\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, long := textrule.Valid(s, textrule.Line), textrule.Valid(s, textrule.Long)
		if line && !long {
			t.Fatalf("%q passes Line but not Long", s)
		}
		if long && !utf8.ValidString(s) {
			t.Fatalf("%q passes Long though it is not valid UTF-8", s)
		}
		for _, r := range s {
			if line && (r < 0x20 || r == 0x7f) {
				t.Fatalf("%q passes Line with control %U", s, r)
			}
			if r == 0 && long {
				t.Fatalf("%q passes Long with NUL", s)
			}
		}
	})
}
