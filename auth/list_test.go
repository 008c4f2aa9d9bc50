package auth_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
)

// TestListOperatorsRefusesACursorNamingAnImpossibleID: a cursor is opaque
// but not trusted; one whose ID breaks the text rule is refused before the
// store sees it.
func TestListOperatorsRefusesACursorNamingAnImpossibleID(t *testing.T) {
	e := newEnv(t)
	for _, c := range []string{cursor.Encode("auth/operators", "a\x00"), cursor.Encode("auth/operators", "\xff"), cursor.Encode("other", "id-0001")} {
		_, err := e.desk.ListOperators(e.ctx, e.admin, c, 10)
		var ve *auth.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("cursor", "cursor"))
	}
	page, err := e.desk.ListOperators(e.ctx, e.admin, cursor.Encode("auth/operators", "id-0000"), 10)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1, "a well-formed cursor continues after its ID")
}

// FuzzListOperatorsCursor: any cursor gives a page or a validation error
// on "cursor", never another error.
func FuzzListOperatorsCursor(f *testing.F) {
	f.Add("")
	f.Add("not-a-cursor!")
	f.Add(cursor.Encode("auth/operators", "id-0001"))
	f.Add(cursor.Encode("auth/operators", "a\x00b"))
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, c string) {
		page, err := e.desk.ListOperators(e.ctx, e.admin, c, 5)
		var ve *auth.ValidationError
		switch {
		case err == nil:
			assert.LessOrEqual(t, len(page.Items), 5)
		case errors.As(err, &ve):
			assert.True(t, ve.Has("cursor", "cursor"))
		default:
			t.Fatalf("cursor %q: %v", c, err)
		}
	})
}
