package ticket

import (
	"reflect"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/internal/fielderr"
)

// The validator tags ticket registers beside the shared ones (line, text,
// and go-playground's own).
const (
	// tagNotBlank is "required" where a value of spaces, tabs and
	// newlines counts as missing; it is reported with rule "required".
	tagNotBlank = "notblank"
	// tagFieldName is an extra field's name: 1 to 64 of [a-z0-9_].
	tagFieldName = "field_name"
)

// newValidator returns the validator of the Desk's input structs: the
// adapter every wing shares (internal/fielderr: snake_case field names,
// one message per tag) with ticket's own tags.
func newValidator() (*fielderr.Validator, error) {
	return fielderr.NewValidator(map[string]string{
		tagNotBlank:  fielderr.TagMessage("required", "", reflect.String),
		tagFieldName: "must be 1 to 64 of a-z, 0-9 and _",
	}, func(v *validator.Validate) error {
		if err := v.RegisterValidation(tagNotBlank, func(fl validator.FieldLevel) bool {
			return !isBlank(fl.Field().String())
		}); err != nil {
			return err
		}
		return v.RegisterValidation(tagFieldName, func(fl validator.FieldLevel) bool {
			return validFieldName(fl.Field().String())
		})
	})
}

// check applies the validate tags of the struct in to v, appending every
// failure; the hand checks that need the catalogue append to the same v.
func (d *Desk) check(v *validationErrors, in any) error {
	fields, err := d.valid.Check(in)
	if err != nil {
		return err
	}
	for _, f := range fields {
		fe := FieldError(f)
		if fe.Rule == tagNotBlank {
			fe.Rule = "required"
		}
		*v = append(*v, fe)
	}
	return nil
}
