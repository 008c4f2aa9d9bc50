// Package fielderr holds the behaviour every package's ValidationError
// shares. Each domain package keeps its own FieldError and ValidationError
// types (so that errors.As tells a payment error from a practice one); their
// methods call these functions, which accept any FieldError type through
// its underlying struct. Validator is the one adapter from validator tags to
// those fields: one field naming and one message per tag in every package.
package fielderr

import "strings"

// Field is the shape every package's FieldError has.
type Field struct {
	Field, Rule, Message string
}

// Like is satisfied by every package's FieldError.
type Like interface {
	~struct {
		Field   string
		Rule    string
		Message string
	}
}

// Message renders "<pkg>: invalid input: field: message; field: message".
func Message[F Like](pkg string, fields []F) string {
	var b strings.Builder
	b.WriteString(pkg)
	b.WriteString(": invalid input: ")
	for i, f := range fields {
		ff := Field(f)
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(ff.Field)
		b.WriteString(": ")
		b.WriteString(ff.Message)
	}
	return b.String()
}

// Has reports whether field failed rule among fields ("" matches any rule).
func Has[F Like](fields []F, field, rule string) bool {
	for _, f := range fields {
		ff := Field(f)
		if ff.Field == field && (rule == "" || ff.Rule == rule) {
			return true
		}
	}
	return false
}
