package ticket

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/textrule"
)

// FieldType is the type of an extra field's value.
type FieldType string

// The extra field types. Values are strings; the type says which strings
// are valid.
const (
	// FieldText: any text (up to MaxLength runes when MaxLength > 0).
	FieldText FieldType = "text"
	// FieldNumber: a decimal number such as "12" or "-3.50", written out
	// (no exponent), with at most 15 digits before the point and 6 after.
	FieldNumber FieldType = "number"
	// FieldBoolean: "true" or "false".
	FieldBoolean FieldType = "boolean"
	// FieldDate: a calendar date "2006-01-02".
	FieldDate FieldType = "date"
	// FieldChoice: one of Choices.
	FieldChoice FieldType = "choice"
)

// Valid reports whether t is one of the field types.
func (t FieldType) Valid() bool {
	switch t {
	case FieldText, FieldNumber, FieldBoolean, FieldDate, FieldChoice:
		return true
	}
	return false
}

// ExtraField defines a per-service extra field of the request form (for
// example "which local support team").
type ExtraField struct {
	// Name is the key in Request.Extra: 1..64 of [a-z0-9_].
	Name string `validate:"field_name"`
	// Label is the human label.
	Label string `validate:"notblank,line,max=255"`
	// Type says which values are valid.
	Type FieldType `validate:"oneof=text number boolean date choice"`
	// Required fields must have a non-empty value.
	Required bool
	// Choices are the allowed values of a choice field.
	Choices []string `validate:"dive,notblank,line,max=255"`
	// MaxLength limits a text value in runes (0: 1000).
	MaxLength int `validate:"min=0"`
}

// defaultMaxLength limits a text extra field without MaxLength.
const defaultMaxLength = 1000

// validFieldName reports whether name is 1..64 of [a-z0-9_].
func validFieldName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkExtraFieldDefs adds to v, under "extra_fields[i].*", what the
// validate tags of ExtraField cannot tell: a name used twice, a choice
// field without choices, choices on another field.
func checkExtraFieldDefs(v *validationErrors, defs []ExtraField) {
	seen := map[string]bool{}
	for i, f := range defs {
		p := "extra_fields[" + strconv.Itoa(i) + "]."
		if validFieldName(f.Name) && seen[f.Name] {
			v.add(p+"name", "unique", "is used by another extra field")
		}
		seen[f.Name] = true
		if f.Type == FieldChoice && len(f.Choices) == 0 {
			v.add(p+"choices", "required", "is required for a choice field")
		}
		if f.Type != FieldChoice && len(f.Choices) > 0 {
			v.add(p+"choices", "excluded", "is only for choice fields")
		}
	}
}

// Bounds of a number extra field: digits before and after the decimal
// point. Numbers are written out in full (no exponent), so that "1e400"
// cannot ask a host to hold a value no column or float can.
const (
	maxNumberInt  = 15
	maxNumberFrac = 6
)

// validNumber reports whether s is a decimal number an optional sign, 1
// to maxNumberInt digits and optionally a point followed by 1 to
// maxNumberFrac digits.
func validNumber(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	return digitsBetween(whole, 1, maxNumberInt) && (!dot || digitsBetween(frac, 1, maxNumberFrac))
}

// digitsBetween reports whether s is min to max ASCII digits.
func digitsBetween(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkExtra validates values against a service's extra field definitions,
// pure: a required field must have a non-blank value; a value must fit
// its field's type (number: at most 15 digits, a point and at most 6
// digits, no exponent; boolean: true or false; date:
// 2006-01-02; choice: one of Choices; text: at most MaxLength runes); a
// value for no defined field is refused. Errors are appended to v under
// "extra.<name>" (under "extra" for an undefined key that is not a valid
// field name, which is never echoed).
func checkExtra(v *validationErrors, defs []ExtraField, values map[string]string) {
	defined := make(map[string]bool, len(defs))
	for _, f := range defs {
		defined[f.Name] = true
		field := "extra." + f.Name
		val, ok := values[f.Name]
		if !ok || isBlank(val) {
			if f.Required {
				v.add(field, "required", "is required")
			}
			continue
		}
		switch f.Type {
		case FieldText:
			limit := f.MaxLength
			if limit == 0 {
				limit = defaultMaxLength
			}
			checkText(v, field, val, false, textrule.Long, limit)
		case FieldNumber:
			if !validNumber(val) {
				v.add(field, "number", "must be a number such as 12 or -3.50, with at most "+
					strconv.Itoa(maxNumberInt)+" digits before the point and "+strconv.Itoa(maxNumberFrac)+" after")
			}
		case FieldBoolean:
			if val != "true" && val != "false" {
				v.add(field, "boolean", "must be true or false")
			}
		case FieldDate:
			if _, err := time.Parse(time.DateOnly, val); err != nil {
				v.add(field, "date", "must be a date YYYY-MM-DD")
			}
		case FieldChoice:
			if !slices.Contains(f.Choices, val) {
				v.add(field, "choice", "must be one of the field's choices")
			}
		}
	}
	var unknown []string
	for name := range values {
		if !defined[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	odd := false
	for _, name := range unknown {
		if !validFieldName(name) {
			// The key is the client's free text: it is not echoed.
			odd = true
			continue
		}
		v.add("extra."+name, "unknown", "is not a field of the service")
	}
	if odd {
		v.add("extra", "unknown", "has a value for a field the service does not define")
	}
}

// CheckExtra validates values against a service's extra field definitions
// (see Service.ExtraFields) and returns every failure in one
// *ValidationError, or nil. Pure.
func CheckExtra(defs []ExtraField, values map[string]string) error {
	var v validationErrors
	checkExtra(&v, defs, values)
	return v.err()
}
