package fielderr_test

import (
	"reflect"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/sportello/sportello/internal/fielderr"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"NoticeCode": "notice_code", "IUV": "iuv", "PaymentID": "payment_id",
		"HTTPServer": "http_server", "Title": "title", "ID": "id", "ServiceID": "service_id",
	} {
		if got := fielderr.SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

type address struct {
	City string `validate:"required"`
}

type input struct {
	Title     string   `json:"title" validate:"required,line,max=5"`
	ServiceID string   `validate:"required"`
	Body      string   `validate:"text"`
	Tags      []string `json:"tags" validate:"max=1,dive,line"`
	Count     int      `validate:"max=3"`
	Home      address
	Secret    string `validate:"custom"`
}

func TestValidatorNamesAndMessages(t *testing.T) {
	v, err := fielderr.NewValidator(map[string]string{"custom": "must be custom"},
		func(v *validator.Validate) error {
			return v.RegisterValidation("custom", func(fl validator.FieldLevel) bool { return fl.Field().String() == "ok" })
		})
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Check(input{Title: "abcdef\x00", Body: "a\x00", Tags: []string{"a", "b"}, Count: 9, Secret: "no"})
	if err != nil {
		t.Fatal(err)
	}
	want := []fielderr.Field{
		{Field: "title", Rule: "line", Message: "must be valid UTF-8 text on one line, without control characters"},
		{Field: "service_id", Rule: "required", Message: "is required"},
		{Field: "body", Rule: "text", Message: "must be valid UTF-8 text without control characters other than newline and tab"},
		{Field: "tags", Rule: "max", Message: "must contain at most 1 item"},
		{Field: "count", Rule: "max", Message: "must be at most 3"},
		{Field: "home.city", Rule: "required", Message: "is required"},
		{Field: "secret", Rule: "custom", Message: "must be custom"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check:\n got %+v\nwant %+v", got, want)
	}
	if got, _ := v.Check(input{Title: "abcdef", ServiceID: "s", Secret: "ok", Home: address{City: "Roma"}}); len(got) != 1 || got[0].Message != "must be at most 5 characters long" {
		t.Errorf("too long title: %+v", got)
	}
	if _, err := v.Check(42); err == nil {
		t.Error("Check(42) gave no error")
	}
}
