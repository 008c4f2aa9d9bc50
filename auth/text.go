package auth

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/textrule"
)

// maxRightID bounds the IDs of the services, calendars and offices an
// operator is enabled for.
const maxRightID = 128

// line checks a single-line field by hand with the text rule every wing
// applies (valid UTF-8, no NUL, no control character) and a length in
// characters (max <= 0: none), adding the failure to v with the same rule
// names and messages as the `line` and `max` tags.
func (v *validationErrors) line(field, s string, max int) {
	switch textrule.Check(s, textrule.Line, max) {
	case textrule.RuleText:
		v.add(field, textrule.TagLine, textrule.Message(textrule.RuleText, textrule.Line))
	case textrule.RuleMax:
		v.add(field, textrule.RuleMax, fielderr.TagMessage("max", strconv.Itoa(max), reflect.String))
	}
}

// canExist reports whether every id could name a stored record (a tenant,
// an account, a profile): empty IDs and text that breaks the text rule are
// never stored, so a lookup by one is ErrNotFound without asking the store,
// alike in every store (PostgreSQL would refuse such text with a driver
// error).
func canExist(ids ...string) bool {
	for _, id := range ids {
		if id == "" || !textrule.Valid(id, textrule.Line) {
			return false
		}
	}
	return true
}

// checkTenant refuses a tenant parameter that is empty or breaks the text
// rule, as a *ValidationError on field "tenant".
func checkTenant(tenant string) error {
	var v validationErrors
	if strings.TrimSpace(tenant) == "" {
		v.add("tenant", "required", "is required")
	}
	v.line("tenant", tenant, 0)
	return v.err()
}
