package practice

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/textrule"
)

// Limits of the form data (Practice.Data) Create and Edit accept. Larger
// or deeper data is refused with ErrValidation on the field "data".
const (
	// MaxFormDataSize is the size of the form data encoded as JSON, in
	// bytes.
	MaxFormDataSize = 1 << 20
	// MaxFormDataDepth is how deeply objects and arrays may nest.
	MaxFormDataDepth = 32
	// MaxFormDataKeyLen is the length of an object key, in characters.
	MaxFormDataKeyLen = 200
)

// maxIDLen is the longest identifier, in characters, a lookup may name:
// longer ones (or ones breaking the text rule) name nothing that can
// exist.
const maxIDLen = 200

// lookupable reports whether id can name a stored record: not empty, one
// line of valid text, not too long. A lookup by any other ID is
// ErrNotFound without asking the store.
func lookupable(id string) bool {
	return id != "" && textrule.Check(id, textrule.Line, maxIDLen) == ""
}

// checkText adds the failure of the text rule (or of the length limit,
// max characters; 0: none) on field to errs; required refuses the empty
// string.
func (v *validationErrors) checkText(field, s string, kind textrule.Kind, max int, required bool) {
	if required && s == "" {
		v.add(field, "required", fielderr.TagMessage("required", "", 0))
		return
	}
	switch textrule.Check(s, kind, max) {
	case textrule.RuleText:
		v.add(field, textrule.RuleText, textrule.Message(textrule.RuleText, kind))
	case textrule.RuleMax:
		v.add(field, textrule.RuleMax, fielderr.TagMessage("max", strconv.Itoa(max), reflect.String))
	}
}

// Instants the Desk accepts: years 1 to 9999 (every store keeps them;
// PostgreSQL refuses much later ones with a driver error).
var (
	minInstant = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkInstant adds a failure on field when t (not zero) is outside the
// years 1 to 9999.
func (v *validationErrors) checkInstant(field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if t.Before(minInstant) || !t.Before(maxInstant) {
		v.add(field, "range", "must be a date between the years 1 and 9999")
	}
}

// dataError is the validation failure of the form data.
func dataError(rule, msg string) error {
	return &ValidationError{Fields: []FieldError{{Field: "data", Rule: rule, Message: msg}}}
}

// normalizeData checks the form data and returns it as encoding/json
// decodes it, so that every store returns what it was given. Keys must be
// one line of valid text (a key with invalid UTF-8 is refused, not
// rewritten), string values valid long text; the data must be JSON
// (no NaN, infinities or other Go types), nest at most MaxFormDataDepth
// levels and encode in at most MaxFormDataSize bytes.
func normalizeData(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	if err := checkData(m, 1); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, dataError("json", "must be representable as JSON")
	}
	if len(b) > MaxFormDataSize {
		return nil, dataError(textrule.RuleMax, "must encode as JSON in at most "+strconv.Itoa(MaxFormDataSize)+" bytes")
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, dataError("json", "must be representable as JSON")
	}
	// Values of other Go types (structs, typed slices) are checked in the
	// form they are stored in.
	if err := checkData(out, 1); err != nil {
		return nil, err
	}
	return out, nil
}

// checkData walks v at nesting depth depth.
func checkData(v any, depth int) error {
	if depth > MaxFormDataDepth {
		return dataError("depth", "must nest at most "+strconv.Itoa(MaxFormDataDepth)+" levels")
	}
	switch t := v.(type) {
	case string:
		if !textrule.Valid(t, textrule.Long) {
			return dataError(textrule.RuleText, textrule.Message(textrule.RuleText, textrule.Long))
		}
	case map[string]any:
		for k, e := range t {
			if textrule.Check(k, textrule.Line, MaxFormDataKeyLen) != "" {
				return dataError("key", "keys must be valid UTF-8 text on one line, without control characters, of at most "+strconv.Itoa(MaxFormDataKeyLen)+" characters")
			}
			if err := checkData(e, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := checkData(e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
