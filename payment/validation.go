package payment

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/sportello/sportello/auth"
)

// TagNoticeCode validates a notice code: a string field ParseNoticeCode
// accepts, or a non-zero NoticeCode field.
const TagNoticeCode = "noticecode"

// RegisterValidations adds the package's tag (noticecode) and auth's
// (codicefiscale, partitaiva) to v, so that a host's input structs can
// carry `validate:"noticecode"` and a payer can be checked with
// `validate:"codicefiscale|partitaiva"`.
func RegisterValidations(v *validator.Validate) error {
	if err := auth.RegisterValidations(v); err != nil {
		return err
	}
	v.RegisterCustomTypeFunc(func(f reflect.Value) any {
		if c, ok := f.Interface().(NoticeCode); ok {
			return c.String()
		}
		return nil
	}, NoticeCode{})
	if err := v.RegisterValidation(TagNoticeCode, validateNoticeCodeField); err != nil {
		return fmt.Errorf("payment: register %s: %w", TagNoticeCode, err)
	}
	return nil
}

// newValidator returns the validator the Desk runs on the validate tags of
// its inputs: the package's and auth's tags registered, fields named in
// snake_case as in every FieldError ("NoticeCode" is "notice_code").
func newValidator() (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := RegisterValidations(v); err != nil {
		return nil, err
	}
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return snakeCase(f.Name) })
	return v, nil
}

// snakeCase turns an ASCII Go field name into its snake_case form,
// keeping initialisms whole: "NoticeCode" is "notice_code", "IUV" "iuv",
// "PaymentID" "payment_id".
func snakeCase(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			prevLower := i > 0 && !(name[i-1] >= 'A' && name[i-1] <= 'Z')
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if i > 0 && (prevLower || nextLower) {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// checkTags runs v on the validate tags of s and adds every failure to
// errs, with the tag as Rule and a message that never quotes the value.
func checkTags(v *validator.Validate, errs *validationErrors, s any) error {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("payment: validate: %w", err)
	}
	for _, fe := range verrs {
		field := fe.Field()
		if _, rest, ok := strings.Cut(fe.Namespace(), "."); ok && rest != "" {
			field = rest
		}
		errs.add(field, fe.Tag(), tagMessage(fe.Tag()))
	}
	return nil
}

// tagMessage explains a failed tag in English.
func tagMessage(tag string) string {
	switch tag {
	case TagNoticeCode:
		return "must be an 18-digit pagoPA notice code with valid check digits"
	case "required":
		return "is required"
	}
	return "does not satisfy the " + tag + " rule"
}

// validateNoticeCodeField implements the noticecode tag. A NoticeCode field
// reaches it as its string, through the custom type function.
func validateNoticeCodeField(fl validator.FieldLevel) bool {
	f := fl.Field()
	if f.Kind() != reflect.String {
		return false
	}
	_, err := ParseNoticeCode(f.String())
	return err == nil
}

// Limits on text fields.
const (
	// MaxReasonLen is the longest reason ("causale") pagoPA carries.
	MaxReasonLen = 140
	// MaxTextLen bounds subject, service, receipt IDs and keys.
	MaxTextLen = 200
	// MaxNoteLen bounds a manual payment's note.
	MaxNoteLen = 2000
)

// normalizePayer returns the payer's canonical form (a codice fiscale
// upper-cased, a partita IVA trimmed) and whether it is valid.
func normalizePayer(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if fc, err := auth.ParseFiscalCode(s); err == nil {
		return fc.String(), true
	}
	if auth.ValidateVATNumber(s) == nil {
		return s, true
	}
	return "", false
}

// checkText adds an error when s is too long or holds control characters.
func checkText(v *validationErrors, field, s string, max int, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			v.add(field, "required", "is required")
		}
	case utf8.RuneCountInString(s) > max:
		v.add(field, "max", fmt.Sprintf("must be at most %d characters long", max))
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.add(field, "text", "must be valid text without control characters")
	}
}

// common are the fields every kind of new payment shares.
type common struct {
	payer, reason, subject, service, key string
}

// check validates the common fields and returns the normalized payer.
func (c common) check(v *validationErrors) string {
	payer, ok := normalizePayer(c.payer)
	switch {
	case strings.TrimSpace(c.payer) == "":
		v.add("payer", "required", "is required")
	case !ok:
		v.add("payer", "payer", "must be a valid codice fiscale or partita IVA")
	}
	checkText(v, "reason", c.reason, MaxReasonLen, false)
	checkText(v, "subject", c.subject, MaxTextLen, false)
	checkText(v, "service", c.service, MaxTextLen, true)
	checkText(v, "idempotency_key", c.key, MaxTextLen, false)
	return payer
}

// defaultReason is the reference's "<subject> - <payer>".
func defaultReason(reason, subject, payer string) string {
	if r := strings.TrimSpace(reason); r != "" {
		return r
	}
	if subject == "" {
		return payer
	}
	return subject + " - " + payer
}

// checkNewPayment validates in (its amount already defaulted) at now and
// returns the normalized payer.
func checkNewPayment(in NewPayment, now time.Time) (string, error) {
	var v validationErrors
	if in.Kind != KindPagoPA && in.Kind != KindStampDigital {
		v.add("kind", "oneof", "must be one of: pagopa, stamp_digital")
	}
	checkAmount(&v, "amount", in.Amount)
	payer := common{in.Payer, in.Reason, in.Subject, in.Service, in.IdempotencyKey}.check(&v)
	if !in.DueAt.IsZero() && !in.DueAt.After(now) {
		v.add("due_at", "future", "must be in the future")
	}
	checkSplit(&v, in.Amount, in.Split)
	return payer, v.err()
}

// checkNewManual validates in at now and returns the normalized payer.
func checkNewManual(in NewManual, now time.Time) (string, error) {
	var v validationErrors
	checkAmount(&v, "amount", in.Amount)
	payer := common{in.Payer, in.Reason, in.Subject, in.Service, in.IdempotencyKey}.check(&v)
	if in.PaidAt.After(now) {
		v.add("paid_at", "past", "must not be in the future")
	}
	checkText(&v, "receipt_id", in.ReceiptID, MaxTextLen, false)
	if in.Note != nil {
		checkNote(&v, in.Note.Text)
	}
	return payer, v.err()
}

// checkNote allows line breaks in a note, unlike other text.
func checkNote(v *validationErrors, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		v.add("note.text", "required", "is required when a note is given")
	case utf8.RuneCountInString(s) > MaxNoteLen:
		v.add("note.text", "max", fmt.Sprintf("must be at most %d characters long", MaxNoteLen))
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		v.add("note.text", "text", "must be valid text without control characters")
	}
}

// StampIdentifierLen is the number of digits of a physical stamp's
// identifier.
const StampIdentifierLen = 14

// ValidStampIdentifier reports whether s is a stamp identifier: exactly 14
// digits.
func ValidStampIdentifier(s string) bool { return allDigits(s, StampIdentifierLen) }

// checkNewStamp validates in (its amount already defaulted) at now and
// returns the normalized payer.
func checkNewStamp(in NewStamp, now time.Time) (string, error) {
	var v validationErrors
	switch {
	case in.Identifier == "":
		v.add("stamp_identifier", "required", "is required")
	case !ValidStampIdentifier(in.Identifier):
		v.add("stamp_identifier", "format", "must be exactly 14 digits")
	}
	switch {
	case in.IssuedAt.IsZero():
		v.add("issued_at", "required", "is required")
	case in.IssuedAt.After(now):
		v.add("issued_at", "past", "must not be in the future")
	}
	checkAmount(&v, "amount", in.Amount)
	payer := common{in.Payer, "", in.Subject, in.Service, in.IdempotencyKey}.check(&v)
	return payer, v.err()
}
