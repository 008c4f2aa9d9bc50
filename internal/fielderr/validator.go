package fielderr

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/internal/textrule"
)

// Validator is the one adapter between go-playground/validator and the
// packages' *ValidationError: fields are named as the host's API names
// them (the json tag when there is one, else the Go name in snake_case;
// nested fields joined with dots, slice items as "items[2]"), and each tag
// has one English message, the same in every package, that never quotes
// the field's value. It is safe for concurrent use.
type Validator struct {
	v        *validator.Validate
	messages map[string]string
}

// NewValidator returns a Validator with the text rule's tags (line, text)
// registered, then each register function applied (a package's own tags:
// codicefiscale, noticecode, ...). messages adds or overrides the message
// of a tag, for tags only one package knows.
func NewValidator(messages map[string]string, register ...func(*validator.Validate) error) (*Validator, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(Name)
	if err := textrule.Register(v); err != nil {
		return nil, err
	}
	for _, r := range register {
		if err := r(v); err != nil {
			return nil, err
		}
	}
	return &Validator{v: v, messages: messages}, nil
}

// Engine returns the underlying validator, for a host that validates its
// own structs with the SDK's tags.
func (v *Validator) Engine() *validator.Validate { return v.v }

// Check validates the validate tags of the struct s and returns every
// failure, in field order. The error is non-nil only when s cannot be
// validated at all (it is not a struct): a programming error.
func (v *Validator) Check(s any) ([]Field, error) {
	err := v.v.Struct(s)
	if err == nil {
		return nil, nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return nil, fmt.Errorf("validate: %w", err)
	}
	out := make([]Field, 0, len(verrs))
	for _, fe := range verrs {
		out = append(out, Field{Field: path(fe), Rule: fe.Tag(), Message: v.message(fe)})
	}
	return out, nil
}

// Name is the field name function: the json tag's name when present and
// not "-", else the Go name in snake_case.
func Name(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name != "" && name != "-" {
		return name
	}
	return SnakeCase(f.Name)
}

// SnakeCase turns an ASCII Go identifier into snake_case, keeping
// initialisms whole: "NoticeCode" is "notice_code", "IUV" "iuv",
// "PaymentID" "payment_id", "HTTPServer" "http_server".
func SnakeCase(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 4)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			prevLower := i > 0 && !(name[i-1] >= 'A' && name[i-1] <= 'Z') && name[i-1] != '_'
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if i > 0 && name[i-1] != '_' && (prevLower || nextLower) {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// path is the field's namespace below the validated struct, e.g. "email"
// or "address.city".
func path(fe validator.FieldError) string {
	if _, rest, ok := strings.Cut(fe.Namespace(), "."); ok && rest != "" {
		return rest
	}
	return fe.Field()
}

// message explains a failed tag from the tag, its parameter and the
// field's kind only.
func (v *Validator) message(fe validator.FieldError) string {
	if m, ok := v.messages[fe.Tag()]; ok {
		return m
	}
	return TagMessage(fe.Tag(), fe.Param(), fe.Kind())
}

// TagMessage is the message of a failed tag with its parameter, for a
// field of the given kind. Packages that check a field by hand use it too,
// so that a hand check and a tag read alike.
func TagMessage(tag, param string, kind reflect.Kind) string {
	switch tag {
	case "required", "required_if", "required_unless", "required_with",
		"required_with_all", "required_without", "required_without_all":
		return "is required"
	case "email":
		return "must be a valid e-mail address"
	case "min", "gte":
		return sizeMessage(kind, "at least", param)
	case "max", "lte":
		return sizeMessage(kind, "at most", param)
	case "len":
		return sizeMessage(kind, "exactly", param)
	case "gt":
		return sizeMessage(kind, "more than", param)
	case "lt":
		return sizeMessage(kind, "less than", param)
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(param), ", ")
	case "uuid", "uuid4", "uuid7", "uuid_rfc4122", "uuid4_rfc4122":
		return "must be a valid UUID"
	case "url", "http_url":
		return "must be a valid URL"
	case "e164":
		return "must be a phone number in international format"
	case "timezone":
		return "must be an IANA time zone name such as Europe/Rome"
	case "codicefiscale":
		return "must be a valid codice fiscale"
	case "partitaiva":
		return "must be a valid partita IVA (11 digits)"
	case "noticecode":
		return "must be an 18-digit pagoPA notice code with valid check digits"
	case textrule.TagLine:
		return textrule.Message(textrule.RuleText, textrule.Line)
	case textrule.TagText:
		return textrule.Message(textrule.RuleText, textrule.Long)
	}
	return "does not satisfy the " + tag + " rule"
}

// sizeMessage words a bound: characters for strings, items for
// collections, the value itself for numbers.
func sizeMessage(kind reflect.Kind, bound, param string) string {
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
