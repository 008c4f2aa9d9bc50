package auth

import (
	"errors"
	"testing"

	"github.com/go-playground/validator/v10"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/fielderr"
)

type testAddress struct {
	City string `json:"city" validate:"required"`
}

type testInput struct {
	FiscalCode string      `json:"fiscalCode" validate:"required,codicefiscale"`
	Holder     FiscalCode  `json:"holder" validate:"codicefiscale"`
	Delegate   FiscalCode  `json:"delegate" validate:"required"`
	Optional   *FiscalCode `json:"optional,omitempty" validate:"omitempty,codicefiscale"`
	VAT        string      `json:"vatNumber,omitempty" validate:"omitempty,partitaiva"`
	Email      string      `json:"email" validate:"required,email"`
	Nickname   string      `validate:"min=2,max=5"`
	Zip        string      `json:"-" validate:"len=5"`
	Tags       []string    `json:"tags" validate:"max=2"`
	Kind       string      `json:"kind" validate:"oneof=citizen company"`
	RequestID  string      `json:"requestId" validate:"omitempty,uuid"`
	Code       string      `json:"code" validate:"omitempty,alpha"`
	Address    testAddress `json:"address"`
}

func validTestInput(t *testing.T) testInput {
	t.Helper()
	fc, err := ParseFiscalCode("MRTMTT91D08F205J")
	require.NoError(t, err)
	return testInput{
		FiscalCode: " rssmra80a01h501u ",
		Holder:     fc,
		Delegate:   fc,
		VAT:        withDigit(t, "0636339100"),
		Email:      "mario.rossi@example.it",
		Nickname:   "mario",
		Zip:        "00184",
		Tags:       []string{"a"},
		Kind:       "citizen",
		RequestID:  "0191b2c4-7f3e-7c1a-9d2e-4b5a6c7d8e9f",
		Address:    testAddress{City: "Roma"},
	}
}

// testValidator is the Desk's validator.
func testValidator(t *testing.T) *fielderr.Validator {
	t.Helper()
	v, err := newDeskValidator()
	require.NoError(t, err)
	return v
}

func validateStruct(v *fielderr.Validator, s any) error { return check(v, s) }

func TestValidateStructValid(t *testing.T) {
	v := testValidator(t)
	in := validTestInput(t)
	require.NoError(t, validateStruct(v, in))
	require.NoError(t, validateStruct(v, &in))
}

func TestValidateStructEveryField(t *testing.T) {
	v := testValidator(t)
	bad := "RSSMRA80A01H501A"
	in := testInput{
		FiscalCode: bad,
		Optional:   &FiscalCode{},
		VAT:        "12345678901",
		Email:      "mario.rossi-at-example.it",
		Nickname:   "m",
		Zip:        "001",
		Tags:       []string{"a", "b", "c"},
		Kind:       "robot",
		RequestID:  "not-a-uuid",
		Code:       "abc123",
	}
	err := validateStruct(v, in)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)

	want := []FieldError{
		{"fiscalCode", "codicefiscale", "must be a valid codice fiscale"},
		{"holder", "codicefiscale", "must be a valid codice fiscale"},
		{"delegate", "required", "is required"},
		{"optional", "codicefiscale", "must be a valid codice fiscale"},
		{"vatNumber", "partitaiva", "must be a valid partita IVA (11 digits)"},
		{"email", "email", "must be a valid e-mail address"},
		{"nickname", "min", "must be at least 2 characters long"},
		{"zip", "len", "must be exactly 5 characters long"},
		{"tags", "max", "must contain at most 2 items"},
		{"kind", "oneof", "must be one of: citizen, company"},
		{"requestId", "uuid", "must be a valid UUID"},
		{"code", "alpha", "does not satisfy the alpha rule"},
		{"address.city", "required", "is required"},
	}
	assert.Equal(t, want, ve.Fields)

	msg := err.Error()
	for _, value := range []string{bad, "mario.rossi", "12345678901", "robot", "not-a-uuid", "abc123"} {
		assert.NotContains(t, msg, value)
	}
}

func TestValidateStructRequiredEmptyString(t *testing.T) {
	v := testValidator(t)
	in := validTestInput(t)
	in.FiscalCode = ""
	in.Email = ""
	err := validateStruct(v, in)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []FieldError{
		{"fiscalCode", "required", "is required"},
		{"email", "required", "is required"},
	}, ve.Fields)
}

func TestValidateStructNumbersAndMaxStrings(t *testing.T) {
	type input struct {
		Count int    `json:"count" validate:"min=1,max=10"`
		Name  string `json:"name" validate:"max=1"`
		IDs   []int  `json:"ids" validate:"min=1"`
		Pin   int    `json:"pin" validate:"len=4"`
	}
	err := validateStruct(testValidator(t), input{Count: 11, Name: "ab", Pin: 3})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []FieldError{
		{"count", "max", "must be at most 10"},
		{"name", "max", "must be at most 1 character long"},
		{"ids", "min", "must contain at least 1 item"},
		{"pin", "len", "must be exactly 4"},
	}, ve.Fields)
}

func TestValidateStructNotAStruct(t *testing.T) {
	err := validateStruct(testValidator(t), "text")
	require.Error(t, err)
	var ve *ValidationError
	assert.False(t, errors.As(err, &ve))
	assert.NotErrorIs(t, err, ErrValidation)
}

func TestRegisterValidationsOnPlainValidator(t *testing.T) {
	v := validator.New()
	require.NoError(t, RegisterValidations(v))

	assert.NoError(t, v.Var("RSSMRA80A01H501U", "codicefiscale"))
	assert.NoError(t, v.Var(" mrtmtt91d08f205j", "codicefiscale"))
	assert.Error(t, v.Var("RSSMRA80A01H501A", "codicefiscale"))
	assert.Error(t, v.Var("", "codicefiscale"))
	assert.Error(t, v.Var(42, "codicefiscale"))

	fc, err := ParseFiscalCode("RSSMRA80A01H501U")
	require.NoError(t, err)
	assert.NoError(t, v.Var(fc, "codicefiscale"))
	assert.Error(t, v.Var(FiscalCode{}, "codicefiscale"))
	assert.NoError(t, v.Var(FiscalCode{}, "omitempty,codicefiscale"))

	vat := withDigit(t, "0636339100")
	assert.NoError(t, v.Var(vat, "partitaiva"))
	assert.Error(t, v.Var(breakCheck(vat), "partitaiva"))
	assert.Error(t, v.Var("00000000000", "partitaiva"))
	assert.Error(t, v.Var(6363391001, "partitaiva"))
}

// TestZeroNumericCodeRefusedByEveryTag: "00000000000" passes the numeric
// codice fiscale's check digit but is the placeholder ValidateVATNumber
// refuses; a payer checked with codicefiscale|partitaiva must not get it
// through the first alternative.
func TestZeroNumericCodeRefusedByEveryTag(t *testing.T) {
	v := NewValidator()
	type payer struct {
		Payer string     `json:"payer" validate:"codicefiscale|partitaiva"`
		Code  FiscalCode `json:"code" validate:"omitempty,codicefiscale"`
	}
	assert.Error(t, v.Var("00000000000", "codicefiscale"))
	assert.Error(t, v.Var("00000000000", "codicefiscale|partitaiva"))
	assert.Error(t, v.Var(" 00000000000 ", "partitaiva"))
	zero, err := ParseFiscalCode("00000000000")
	require.NoError(t, err, "ParseFiscalCode reads it; IsPlaceholder tells it")
	assert.True(t, zero.IsPlaceholder())
	err = check(testValidator(t), payer{Payer: "00000000000", Code: zero})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("payer", "codicefiscale|partitaiva"))
	assert.True(t, ve.Has("code", "codicefiscale"))
	vat := withDigit(t, "0636339100")
	assert.NoError(t, check(testValidator(t), payer{Payer: vat}))
	assert.NoError(t, check(testValidator(t), payer{Payer: "RSSMRA80A01H501U"}))
}

func TestTextRuleTags(t *testing.T) {
	type in struct {
		Name string `json:"name" validate:"line"`
		Note string `json:"note" validate:"text"`
	}
	err := check(testValidator(t), in{Name: "a\x00", Note: "b\xff"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("name", "line"))
	assert.True(t, ve.Has("note", "text"))
	assert.NoError(t, check(testValidator(t), in{Name: "Città", Note: "riga 1\nriga 2"}))
}
