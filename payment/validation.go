package payment

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/textrule"
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
// its inputs: internal/fielderr's, with the package's and auth's tags.
func newValidator() (*fielderr.Validator, error) {
	return fielderr.NewValidator(nil, RegisterValidations)
}

// checkTags runs v on the validate tags of s and adds every failure to
// errs.
func checkTags(v *fielderr.Validator, errs *validationErrors, s any) error {
	fields, err := v.Check(s)
	if err != nil {
		return fmt.Errorf("payment: %w", err)
	}
	for _, f := range fields {
		*errs = append(*errs, FieldError(f))
	}
	return nil
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
	if allDigits(s, 11) {
		// A numeric codice fiscale is a body's partita IVA: its rules,
		// which refuse placeholders such as 00000000000, decide.
		return s, auth.ValidateVATNumber(s) == nil
	}
	if fc, err := auth.ParseFiscalCode(s); err == nil {
		return fc.String(), true
	}
	if auth.ValidateVATNumber(s) == nil {
		return s, true
	}
	return "", false
}

// checkText applies the one text rule (internal/textrule) of the given
// kind and a length limit to s, and requires it not blank when required.
func checkText(v *validationErrors, field, s string, kind textrule.Kind, max int, required bool) {
	if strings.TrimSpace(s) == "" {
		if required {
			v.add(field, "required", fielderr.TagMessage("required", "", reflect.String))
		}
		if s == "" {
			return
		}
	}
	switch rule := textrule.Check(s, kind, max); rule {
	case textrule.RuleMax:
		v.add(field, rule, fielderr.TagMessage("max", strconv.Itoa(max), reflect.String))
	case textrule.RuleText:
		v.add(field, rule, textrule.Message(rule, kind))
	}
}

// lookupable reports whether s can name a stored record or tenant: text
// that breaks the text rule was never stored, so a lookup by it is
// ErrNotFound (or finds nothing) without asking the store.
func lookupable(s string) bool { return s != "" && textrule.Valid(s, textrule.Line) }

// Instants a record may hold: from 1900 to the end of year 9999. Beyond
// are typing errors, and some (years past 294276) PostgreSQL cannot store.
var (
	minInstant = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkInstant refuses a non-zero t outside [minInstant, maxInstant).
func checkInstant(v *validationErrors, field string, t time.Time) {
	if !t.IsZero() && (t.Before(minInstant) || !t.Before(maxInstant)) {
		v.add(field, "range", "must be a date between the years 1900 and 9999")
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
	checkText(v, "reason", c.reason, textrule.Line, MaxReasonLen, false)
	checkText(v, "subject", c.subject, textrule.Line, MaxTextLen, false)
	checkText(v, "service", c.service, textrule.Line, MaxTextLen, true)
	checkText(v, "idempotency_key", c.key, textrule.Line, MaxTextLen, false)
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
	checkInstant(&v, "due_at", in.DueAt)
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
	checkInstant(&v, "paid_at", in.PaidAt)
	checkText(&v, "receipt_id", in.ReceiptID, textrule.Line, MaxTextLen, false)
	if in.Note != nil {
		checkText(&v, "note.text", in.Note.Text, textrule.Long, MaxNoteLen, true)
	}
	return payer, v.err()
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
	checkInstant(&v, "issued_at", in.IssuedAt)
	checkAmount(&v, "amount", in.Amount)
	payer := common{in.Payer, "", in.Subject, in.Service, in.IdempotencyKey}.check(&v)
	return payer, v.err()
}
