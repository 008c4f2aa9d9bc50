package auth

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/internal/fielderr"
)

// The validation tags the SDK registers. The identifiers are English; the
// tag strings keep the Italian terms hosts write in their struct tags.
const (
	// TagFiscalCode ("codicefiscale") validates a codice fiscale: a string
	// field that ParseFiscalCode accepts, or a non-zero FiscalCode field.
	// The all-zero numeric code "00000000000" is refused: it is the
	// placeholder ValidateVATNumber refuses too, so that
	// `codicefiscale|partitaiva` cannot let it through.
	TagFiscalCode = "codicefiscale"
	// TagVATNumber ("partitaiva") validates a string field that
	// ValidateVATNumber accepts.
	TagVATNumber = "partitaiva"
)

// RegisterValidations adds the SDK's tags (codicefiscale, partitaiva) to v,
// and lets v see a FiscalCode field as its string, so that "required" and
// "omitempty" treat the zero FiscalCode as empty.
func RegisterValidations(v *validator.Validate) error {
	v.RegisterCustomTypeFunc(func(f reflect.Value) any {
		if fc, ok := f.Interface().(FiscalCode); ok {
			return fc.String()
		}
		return nil
	}, FiscalCode{})
	if err := v.RegisterValidation(TagFiscalCode, validateFiscalCodeField); err != nil {
		return fmt.Errorf("auth: register %s: %w", TagFiscalCode, err)
	}
	if err := v.RegisterValidation(TagVATNumber, validateVATNumberField); err != nil {
		return fmt.Errorf("auth: register %s: %w", TagVATNumber, err)
	}
	return nil
}

// tagUsername is the Desk's own tag for operator usernames.
const tagUsername = "username"

// validUsername implements tagUsername: no '@', so that a login name can
// never be mistaken for an e-mail address (control characters and invalid
// UTF-8 are the `line` tag's).
func validUsername(fl validator.FieldLevel) bool {
	return !strings.ContainsRune(fl.Field().String(), '@')
}

// validateFiscalCodeField implements the codicefiscale tag.
func validateFiscalCodeField(fl validator.FieldLevel) bool {
	field := fl.Field()
	if field.CanInterface() {
		if fc, ok := field.Interface().(FiscalCode); ok {
			return !fc.IsZero() && !fc.isZeroNumeric()
		}
	}
	if field.Kind() != reflect.String {
		return false
	}
	fc, err := ParseFiscalCode(field.String())
	return err == nil && !fc.isZeroNumeric()
}

// validateVATNumberField implements the partitaiva tag.
func validateVATNumberField(fl validator.FieldLevel) bool {
	field := fl.Field()
	if field.Kind() != reflect.String {
		return false
	}
	return ValidateVATNumber(field.String()) == nil
}

// NewValidator returns a validator for a host's own structs, with the SDK's
// tags registered (codicefiscale, partitaiva, and the text rule's line and
// text) and fields named as every sportello *ValidationError names them:
// the json tag when present, else the Go name in snake_case.
func NewValidator() *validator.Validate {
	v, err := fielderr.NewValidator(nil, RegisterValidations)
	if err != nil {
		// The tags are constants known to be valid: this cannot happen.
		panic(err)
	}
	return v.Engine()
}

// newDeskValidator returns the validator the Desk runs on its inputs: the
// shared adapter with the SDK's tags and the username tag.
func newDeskValidator() (*fielderr.Validator, error) {
	return fielderr.NewValidator(
		map[string]string{tagUsername: "must not contain '@'"},
		RegisterValidations,
		func(v *validator.Validate) error { return v.RegisterValidation(tagUsername, validUsername) },
	)
}

// check runs v on the struct s and returns every failed field as one
// *ValidationError, or nil. Messages never include the field's value.
func check(v *fielderr.Validator, s any) error {
	fields, err := v.Check(s)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	var out validationErrors
	for _, f := range fields {
		out = append(out, FieldError(f))
	}
	return out.err()
}
