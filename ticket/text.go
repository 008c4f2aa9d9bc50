package ticket

import (
	"reflect"
	"strconv"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/textrule"
)

// Limits on text, in characters (runes).
const (
	maxTitle = 255
	maxText  = 65536
	maxCode  = 64
	maxID    = 128
)

// maxContacts bounds the contacts of one request.
const maxContacts = 100

// checkText adds an error for a value that is missing (when required),
// breaks the text rule of its kind (invalid UTF-8, NUL, control
// characters: textrule) or is longer than max characters. The messages
// are those of the validator tags, so a hand check reads like a tagged
// field.
func checkText(v *validationErrors, field, value string, required bool, kind textrule.Kind, max int) {
	if required && isBlank(value) {
		v.add(field, "required", fielderr.TagMessage("required", "", reflect.String))
		return
	}
	switch textrule.Check(value, kind, max) {
	case textrule.RuleText:
		tag := textrule.TagLine
		if kind == textrule.Long {
			tag = textrule.TagText
		}
		v.add(field, tag, textrule.Message(textrule.RuleText, kind))
	case textrule.RuleMax:
		v.add(field, "max", fielderr.TagMessage("max", strconv.Itoa(max), reflect.String))
	}
}

// checkLine is checkText for a single-line value: a name, a code, an ID.
func checkLine(v *validationErrors, field, value string, required bool, max int) {
	checkText(v, field, value, required, textrule.Line, max)
}

// checkLong is checkText for free text: a description, a comment.
func checkLong(v *validationErrors, field, value string, required bool) {
	checkText(v, field, value, required, textrule.Long, maxText)
}

// possibleID reports whether s could be the ID (or tenant) of a record:
// every record is saved with IDs that pass the text rule, so a lookup by
// any other string is answered ErrNotFound without asking the store.
func possibleID(s string) bool {
	return s != "" && textrule.Check(s, textrule.Line, maxID) == ""
}

// checkActor refuses a principal whose tenant or ID breaks the text rule:
// both are written with what it does (the tenant of a record, the author
// of a log entry, the requester). Empty values are left to the permission
// rule.
func checkActor(who auth.Principal) error {
	var v validationErrors
	checkLine(&v, "tenant", who.Tenant, false, maxID)
	checkLine(&v, "principal_id", who.ID, false, maxID)
	return v.err()
}

// isBlank reports whether s holds nothing but spaces, tabs and newlines.
func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
