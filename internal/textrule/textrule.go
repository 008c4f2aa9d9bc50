// Package textrule holds the one rule every sportello package applies to
// the text it accepts (DESIGN "One vocabulary", text): valid UTF-8, no NUL,
// no control characters except, in long text, newline (LF, or CR LF as
// browsers send a textarea) and tab; lengths count characters (runes), not
// bytes. Desks apply it before any store call, so bad text is refused as a
// validation error the same way by every store, and nothing reaches
// PostgreSQL that it would refuse with a driver error.
package textrule

import (
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// Kind tells which control characters a field may hold.
type Kind uint8

const (
	// Line is a single-line field: a title, a name, an identifier. It may
	// hold no control character at all.
	Line Kind = iota
	// Long is free text: a description, a comment, a note. It may hold
	// newlines (LF, CR LF) and tabs, and no other control character.
	Long
)

// Rule names, as FieldError.Rule reports them.
const (
	// RuleText is the failure of the character rule: invalid UTF-8, NUL
	// or a control character the Kind does not allow.
	RuleText = "text"
	// RuleMax is a field longer than its limit in characters.
	RuleMax = "max"
)

// Valid reports whether s is valid UTF-8 holding no character kind
// forbids.
func Valid(s string, kind Kind) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				if kind != Long || !allowedInLong(s, i) {
					return false
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if unicode.IsControl(r) { // C1 controls U+0080..U+009F
			return false
		}
		i += size
	}
	return true
}

// allowedInLong reports whether the ASCII control at s[i] is a tab, a
// line feed, or a carriage return followed by a line feed.
func allowedInLong(s string, i int) bool {
	switch s[i] {
	case '\t', '\n':
		return true
	case '\r':
		return i+1 < len(s) && s[i+1] == '\n'
	}
	return false
}

// Check applies the rule and a length limit (in characters; max <= 0 means
// none) and returns the name of the failed rule (RuleText or RuleMax), or
// "" when s passes.
func Check(s string, kind Kind, max int) string {
	if !Valid(s, kind) {
		return RuleText
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		return RuleMax
	}
	return ""
}

// Message is the human message for a failed rule, the same in every
// package.
func Message(rule string, kind Kind) string {
	switch {
	case rule == RuleText && kind == Long:
		return "must be valid UTF-8 text without control characters other than newline and tab"
	case rule == RuleText:
		return "must be valid UTF-8 text on one line, without control characters"
	}
	return "is not valid"
}

// Validator tags registered by Register: `line` applies the Line rule and
// `text` the Long rule to a string field (and, with dive, to the strings
// of a slice or map).
const (
	TagLine = "line"
	TagText = "text"
)

// Register adds the `line` and `text` tags to v.
func Register(v *validator.Validate) error {
	if err := v.RegisterValidation(TagLine, func(fl validator.FieldLevel) bool {
		return Valid(fl.Field().String(), Line)
	}); err != nil {
		return err
	}
	return v.RegisterValidation(TagText, func(fl validator.FieldLevel) bool {
		return Valid(fl.Field().String(), Long)
	})
}
