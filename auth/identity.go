package auth

import (
	"strings"
	"time"
)

// Attributes are the attributes an identity provider (SPID, CIE) asserted
// for a citizen, keyed by their SPID names (see the Attr constants).
type Attributes map[string]string

// The SPID attribute names IdentityFromAttributes reads.
const (
	// AttrSPIDCode is the provider's own identifier of the person.
	AttrSPIDCode = "spidCode"
	// AttrName is the given name.
	AttrName = "name"
	// AttrFamilyName is the family name.
	AttrFamilyName = "familyName"
	// AttrFiscalNumber is the codice fiscale, as "TINIT-<code>".
	AttrFiscalNumber = "fiscalNumber"
	// AttrEmail is the e-mail address.
	AttrEmail = "email"
	// AttrMobilePhone is the mobile phone number.
	AttrMobilePhone = "mobilePhone"
	// AttrDateOfBirth is the date of birth, as "YYYY-MM-DD".
	AttrDateOfBirth = "dateOfBirth"
	// AttrPlaceOfBirth is the cadastral (Belfiore) code of the place of
	// birth, e.g. "H501".
	AttrPlaceOfBirth = "placeOfBirth"
	// AttrIVACode is a company's partita IVA, as "VATIT-<11 digits>".
	AttrIVACode = "ivaCode"
	// AttrCompanyName is a company's name.
	AttrCompanyName = "companyName"
)

// Identity is a citizen as an identity provider asserted them. Build it
// with IdentityFromAttributes, which validates it; turn it into the acting
// Principal with Principal.
type Identity struct {
	// Provider names the identity provider ("spid", "cie", ...).
	Provider string
	// Subject is the provider's own identifier of the person (the SPID
	// spidCode), when asserted; the codice fiscale identifies the citizen
	// across providers.
	Subject string
	// Level is the assurance level of the authentication.
	Level Level
	// FiscalCode is the citizen's validated codice fiscale (never zero in an
	// Identity from IdentityFromAttributes).
	FiscalCode FiscalCode
	// VATNumber is the company's validated partita IVA (11 digits, without
	// the "VATIT-" prefix), or "" for a natural person.
	VATNumber string
	// CompanyName is the company's name, or "" for a natural person.
	CompanyName string
	// Name is the given name.
	Name string
	// FamilyName is the family name.
	FamilyName string
	// Email is the e-mail address, if asserted.
	Email string
	// MobilePhone is the mobile phone number, if asserted.
	MobilePhone string
	// DateOfBirth is the date of birth at midnight UTC, or the zero time
	// when not asserted.
	DateOfBirth time.Time
	// PlaceOfBirth is the cadastral code of the place of birth, if asserted.
	PlaceOfBirth string
}

// IdentityFromAttributes builds the Identity of a citizen who authenticated
// through provider at level. It strips the "TINIT-" prefix from
// fiscalNumber and "VATIT-" from ivaCode (in any case), trims every value,
// and validates: provider must be non-empty, level one of L1..L3,
// fiscalNumber present and accepted by ParseFiscalCode, ivaCode (when
// present) accepted by ValidateVATNumber, dateOfBirth (when present) a
// "YYYY-MM-DD" date, and every other value kept valid single-line text
// (the text rule: valid UTF-8, no control characters). Failures come back together as one *ValidationError
// whose field names are "provider", "level" and the attribute names.
func IdentityFromAttributes(provider string, level Level, attrs Attributes) (Identity, error) {
	var errs validationErrors
	id := Identity{
		Provider:     strings.TrimSpace(provider),
		Subject:      identityAttr(attrs, AttrSPIDCode),
		Level:        level,
		CompanyName:  identityAttr(attrs, AttrCompanyName),
		Name:         identityAttr(attrs, AttrName),
		FamilyName:   identityAttr(attrs, AttrFamilyName),
		Email:        identityAttr(attrs, AttrEmail),
		MobilePhone:  identityAttr(attrs, AttrMobilePhone),
		PlaceOfBirth: identityAttr(attrs, AttrPlaceOfBirth),
	}
	if id.Provider == "" {
		errs.add("provider", "required", "is required")
	}
	errs.line("provider", id.Provider, 0)
	for _, name := range textAttrs {
		errs.line(name, identityAttr(attrs, name), 0)
	}
	if level < LevelL1 || level > LevelL3 {
		errs.add("level", "oneof", "must be one of: L1, L2, L3")
	}

	if fn := identityTrimPrefix(identityAttr(attrs, AttrFiscalNumber), "TINIT-"); fn == "" {
		errs.add(AttrFiscalNumber, "required", "is required")
	} else if fc, err := ParseFiscalCode(fn); err != nil {
		errs.add(AttrFiscalNumber, TagFiscalCode, "is not a valid codice fiscale: "+fiscalCodeErrMessage(err))
	} else {
		id.FiscalCode = fc
	}

	if vat := identityTrimPrefix(identityAttr(attrs, AttrIVACode), "VATIT-"); vat != "" {
		if err := ValidateVATNumber(vat); err != nil {
			errs.add(AttrIVACode, TagVATNumber, "must be a valid partita IVA (11 digits)")
		} else {
			id.VATNumber = vat
		}
	}

	if dob := identityAttr(attrs, AttrDateOfBirth); dob != "" {
		d, err := time.Parse(time.DateOnly, dob)
		if err != nil {
			errs.add(AttrDateOfBirth, "date", "must be a date written as YYYY-MM-DD")
		} else {
			id.DateOfBirth = d
		}
	}

	if err := errs.err(); err != nil {
		return Identity{}, err
	}
	return id, nil
}

// textAttrs are the attributes kept as text in an Identity: each must
// follow the text rule (the codice fiscale, partita IVA and date are
// checked by their own rules).
var textAttrs = [...]string{AttrSPIDCode, AttrCompanyName, AttrName, AttrFamilyName, AttrEmail, AttrMobilePhone, AttrPlaceOfBirth}

// identityAttr returns the trimmed value of attribute name ("" when absent).
func identityAttr(attrs Attributes, name string) string {
	return strings.TrimSpace(attrs[name])
}

// identityTrimPrefix removes prefix from s, compared case-insensitively, and
// trims the spaces that follow it.
func identityTrimPrefix(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return strings.TrimSpace(s[len(prefix):])
	}
	return s
}

// fiscalCodeErrMessage returns the rule explanation of a *FiscalCodeError, free of
// the input.
func fiscalCodeErrMessage(err error) string {
	if fe, ok := err.(*FiscalCodeError); ok {
		return fe.Rule.fiscalCodeMessage()
	}
	return "is not valid"
}

// Principal returns the citizen principal acting for tenant: Kind citizen,
// role citizen, ID the canonical codice fiscale.
func (id Identity) Principal(tenant string) Principal {
	return Principal{
		ID:         id.FiscalCode.String(),
		Tenant:     tenant,
		Kind:       KindCitizen,
		Roles:      []Role{RoleCitizen},
		FiscalCode: id.FiscalCode,
		Level:      id.Level,
		Provider:   id.Provider,
	}
}

// CheckLevel checks that p may access a service requiring the
// authentication level required. LevelNone means anonymous access: every
// principal passes. Otherwise p must be a citizen authenticated at least at
// required (staff and the system never meet a citizen level); if not, the
// error is a *PermissionError with Action "access_service" and Missing
// "level:<required>", e.g. "level:L2".
func CheckLevel(p Principal, required Level) error {
	if required == LevelNone || p.MeetsLevel(required) {
		return nil
	}
	return &PermissionError{Action: ActionAccessService, Missing: "level:" + required.String()}
}
