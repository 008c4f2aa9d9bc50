package auth_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/auth"
)

func ExampleParseFiscalCode() {
	fc, err := auth.ParseFiscalCode(" rssmra80a01h501u ")
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC)
	born, _ := fc.BirthDate(now)
	fmt.Println(fc)
	fmt.Println(fc.Sex(), fc.PlaceCode(), born.Format(time.DateOnly))

	_, err = auth.ParseFiscalCode("RSSMRA80A01H501A")
	var fe *auth.FiscalCodeError
	if errors.As(err, &fe) {
		fmt.Println(fe.Rule, errors.Is(err, auth.ErrValidation))
	}
	fmt.Println(err)
	// Output:
	// RSSMRA80A01H501U
	// M H501 1980-01-01
	// check true
	// auth: invalid fiscal code: the check character does not match
}

func ExampleFiscalCode_Normalized() {
	// An omocodic code: the last digit of the place code is written as "M".
	fc, err := auth.ParseFiscalCode("RSSMRA80A01H50MM")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fc, fc.PlaceCode(), fc.Normalized())
	// Output:
	// RSSMRA80A01H50MM H501 RSSMRA80A01H501U
}

func ExampleValidateVATNumber() {
	fmt.Println(auth.ValidateVATNumber("06363391001"))
	fmt.Println(auth.ValidateVATNumber("06363391002"))
	// Output:
	// <nil>
	// auth: invalid VAT number: the check digit does not match
}

func ExampleIdentityFromAttributes() {
	id, err := auth.IdentityFromAttributes("spid", auth.LevelL2, auth.Attributes{
		"name":         "Mario",
		"familyName":   "Rossi",
		"fiscalNumber": "TINIT-RSSMRA80A01H501U",
		"email":        "mario.rossi@example.it",
		"dateOfBirth":  "1980-01-01",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := id.Principal("comune-di-roma")
	fmt.Println(p.ID, p.Kind, p.Level, p.Provider)
	fmt.Println(auth.CheckLevel(p, auth.LevelL2))
	fmt.Println(auth.CheckLevel(p, auth.LevelL3))

	_, err = auth.IdentityFromAttributes("spid", auth.LevelL2, auth.Attributes{
		"fiscalNumber": "TINIT-RSSMRA80A01H501A",
		"ivaCode":      "VATIT-123",
	})
	fmt.Println(err)
	// Output:
	// RSSMRA80A01H501U citizen L2 spid
	// <nil>
	// auth: forbidden: access_service requires level:L3
	// auth: invalid input: fiscalNumber: is not a valid codice fiscale: the check character does not match; ivaCode: must be a valid partita IVA (11 digits)
}
