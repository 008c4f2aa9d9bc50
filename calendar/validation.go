package calendar

import (
	"fmt"
	"strconv"

	"github.com/sportello/sportello/internal/fielderr"
)

// newValidator returns the validator of the package's inputs: the text
// rule's `line` and `text` tags, json field names, the shared messages.
func newValidator() *fielderr.Validator {
	v, err := fielderr.NewValidator(nil)
	if err != nil {
		panic(err) // constant tags: cannot happen
	}
	return v
}

// validateStruct runs v on s and appends every failure to out, named by
// its path below s, with a message that never quotes the value.
func validateStruct(v *fielderr.Validator, s any, out *validationErrors) error {
	fields, err := v.Check(s)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	for _, f := range fields {
		*out = append(*out, FieldError(f))
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// maxID is the longest ID, in characters.
const maxID = 128
