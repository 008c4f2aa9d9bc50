package auth

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/go-playground/validator/v10"
)

// The validation tags the SDK registers.
const (
	// TagCodiceFiscale validates a codice fiscale: a string field that
	// ParseFiscalCode accepts, or a non-zero FiscalCode field.
	TagCodiceFiscale = "codicefiscale"
	// TagPartitaIVA validates a string field that ValidateVATNumber accepts.
	TagPartitaIVA = "partitaiva"
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
	if err := v.RegisterValidation(TagCodiceFiscale, validateCodiceFiscaleField); err != nil {
		return fmt.Errorf("auth: register %s: %w", TagCodiceFiscale, err)
	}
	if err := v.RegisterValidation(TagPartitaIVA, validatePartitaIVAField); err != nil {
		return fmt.Errorf("auth: register %s: %w", TagPartitaIVA, err)
	}
	return nil
}

// tagUsername is the Desk's own tag for operator usernames.
const tagUsername = "username"

// validUsername implements tagUsername: no control characters and no '@',
// so that a login name can never be mistaken for an e-mail address.
func validUsername(fl validator.FieldLevel) bool {
	for _, r := range fl.Field().String() {
		if r == '@' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// validateCodiceFiscaleField implements the codicefiscale tag.
func validateCodiceFiscaleField(fl validator.FieldLevel) bool {
	field := fl.Field()
	if field.CanInterface() {
		if fc, ok := field.Interface().(FiscalCode); ok {
			return !fc.IsZero()
		}
	}
	if field.Kind() != reflect.String {
		return false
	}
	_, err := ParseFiscalCode(field.String())
	return err == nil
}

// validatePartitaIVAField implements the partitaiva tag.
func validatePartitaIVAField(fl validator.FieldLevel) bool {
	field := fl.Field()
	if field.Kind() != reflect.String {
		return false
	}
	return ValidateVATNumber(field.String()) == nil
}

// NewValidator returns a validator with the SDK's tags registered and
// field names taken from the json tag when present (else the lower-cased Go
// field name), so that a *ValidationError names fields as the host's API
// does.
func NewValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := RegisterValidations(v); err != nil {
		// The tags are constants known to be valid: this cannot happen.
		panic(err)
	}
	v.RegisterTagNameFunc(validatorFieldName)
	return v
}

// validatorFieldName is the tag name function of NewValidator.
func validatorFieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name != "" && name != "-" {
		return name
	}
	return strings.ToLower(f.Name)
}

// validateStruct runs v.Struct on s and turns its failures into one
// *ValidationError listing every failed field with the tag as Rule and a
// human message that never includes the field's value. Other errors (s is
// not a struct) are returned wrapped.
func validateStruct(v *validator.Validate, s any) error {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("auth: validate: %w", err)
	}
	var out validationErrors
	for _, fe := range verrs {
		out.add(validatorFieldPath(fe), fe.Tag(), validatorMessage(fe))
	}
	return out.err()
}

// validatorFieldPath returns the field's namespace without the root struct's name,
// e.g. "email" or "address.city".
func validatorFieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok && rest != "" {
		return rest
	}
	if f := fe.Field(); f != "" {
		return f
	}
	return ns
}

// validatorMessage returns the English explanation of a failed tag. It uses
// only the tag, its parameter and the field's kind, never the value.
func validatorMessage(fe validator.FieldError) string {
	tag, param := fe.Tag(), fe.Param()
	switch tag {
	case "required", "required_if", "required_unless", "required_with",
		"required_with_all", "required_without", "required_without_all":
		return "is required"
	case "email":
		return "must be a valid e-mail address"
	case "min", "gte":
		return validatorSizeMessage(fe.Kind(), "at least", param)
	case "max", "lte":
		return validatorSizeMessage(fe.Kind(), "at most", param)
	case "len":
		return validatorSizeMessage(fe.Kind(), "exactly", param)
	case "gt":
		return validatorSizeMessage(fe.Kind(), "more than", param)
	case "lt":
		return validatorSizeMessage(fe.Kind(), "less than", param)
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(param), ", ")
	case TagCodiceFiscale:
		return "must be a valid codice fiscale"
	case TagPartitaIVA:
		return "must be a valid partita IVA (11 digits)"
	case tagUsername:
		return "must not contain '@' or control characters"
	case "uuid", "uuid4", "uuid7", "uuid_rfc4122", "uuid4_rfc4122":
		return "must be a valid UUID"
	case "url", "http_url":
		return "must be a valid URL"
	case "e164":
		return "must be a phone number in international format"
	}
	return "does not satisfy the " + tag + " rule"
}

// validatorSizeMessage words a size bound for a field of the given kind: characters
// for strings, items for collections, the value itself for numbers.
func validatorSizeMessage(kind reflect.Kind, bound, param string) string {
	switch kind {
	case reflect.String:
		unit := " characters"
		if param == "1" {
			unit = " character"
		}
		return "must be " + bound + " " + param + unit + " long"
	case reflect.Slice, reflect.Array, reflect.Map:
		unit := " items"
		if param == "1" {
			unit = " item"
		}
		return "must contain " + bound + " " + param + unit
	}
	return "must be " + bound + " " + param
}
