package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func spidAttributes() Attributes {
	return Attributes{
		AttrSPIDCode:     "SPID-0001",
		AttrName:         "Mario",
		AttrFamilyName:   "Rossi",
		AttrFiscalNumber: "TINIT-RSSMRA80A01H501U",
		AttrEmail:        "mario.rossi@example.it",
		AttrMobilePhone:  "+393331234567",
		AttrDateOfBirth:  "1980-01-01",
		AttrPlaceOfBirth: "H501",
	}
}

func TestIdentityFromAttributes(t *testing.T) {
	id, err := IdentityFromAttributes("spid", LevelL2, spidAttributes())
	require.NoError(t, err)
	fc, err := ParseFiscalCode("RSSMRA80A01H501U")
	require.NoError(t, err)
	assert.Equal(t, Identity{
		Provider:     "spid",
		Subject:      "SPID-0001",
		Level:        LevelL2,
		FiscalCode:   fc,
		Name:         "Mario",
		FamilyName:   "Rossi",
		Email:        "mario.rossi@example.it",
		MobilePhone:  "+393331234567",
		DateOfBirth:  time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		PlaceOfBirth: "H501",
	}, id)
}

func TestIdentityFromAttributesVariants(t *testing.T) {
	vat := withDigit(t, "0636339100")
	tests := []struct {
		name    string
		edit    func(Attributes)
		wantFC  string
		wantVAT string
	}{
		{"lower-case prefix and code", func(a Attributes) { a[AttrFiscalNumber] = "tinit-rssmra80a01h501u" }, "RSSMRA80A01H501U", ""},
		{"mixed-case prefix", func(a Attributes) { a[AttrFiscalNumber] = " TinIt-RSSMRA80A01H501U " }, "RSSMRA80A01H501U", ""},
		{"no prefix", func(a Attributes) { a[AttrFiscalNumber] = "MRTMTT91D08F205J" }, "MRTMTT91D08F205J", ""},
		{"omocodic", func(a Attributes) { a[AttrFiscalNumber] = "TINIT-" + omocodic(t, "RSSMRA80A01H501U", 15) }, omocodic(t, "RSSMRA80A01H501U", 15), ""},
		{"numeric code", func(a Attributes) { a[AttrFiscalNumber] = "TINIT-" + vat }, vat, ""},
		{"company", func(a Attributes) {
			a[AttrIVACode] = "VATIT-" + vat
			a[AttrCompanyName] = "Rossi Srl"
		}, "RSSMRA80A01H501U", vat},
		{"company lower-case prefix", func(a Attributes) { a[AttrIVACode] = "vatit-" + vat }, "RSSMRA80A01H501U", vat},
		{"company no prefix", func(a Attributes) { a[AttrIVACode] = " " + vat }, "RSSMRA80A01H501U", vat},
		{"minimal", func(a Attributes) {
			for k := range a {
				if k != AttrFiscalNumber {
					delete(a, k)
				}
			}
		}, "RSSMRA80A01H501U", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := spidAttributes()
			tt.edit(a)
			id, err := IdentityFromAttributes("cie", LevelL3, a)
			require.NoError(t, err)
			assert.Equal(t, tt.wantFC, id.FiscalCode.String())
			assert.Equal(t, tt.wantVAT, id.VATNumber)
		})
	}
}

func TestIdentityFromAttributesNilMap(t *testing.T) {
	_, err := IdentityFromAttributes("spid", LevelL1, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []FieldError{{AttrFiscalNumber, "required", "is required"}}, ve.Fields)
}

func TestIdentityFromAttributesErrors(t *testing.T) {
	a := spidAttributes()
	a[AttrFiscalNumber] = "TINIT-RSSMRA80A01H501A"
	a[AttrIVACode] = "VATIT-12345678901"
	a[AttrDateOfBirth] = "01/01/1980"
	id, err := IdentityFromAttributes(" ", LevelL3+1, a)
	assert.Equal(t, Identity{}, id)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("provider", "required"))
	assert.True(t, ve.Has("level", "oneof"))
	assert.True(t, ve.Has(AttrFiscalNumber, TagFiscalCode))
	assert.True(t, ve.Has(AttrIVACode, TagVATNumber))
	assert.True(t, ve.Has(AttrDateOfBirth, "date"))
	assert.Len(t, ve.Fields, 5)
	msg := err.Error()
	assert.Contains(t, msg, "check character")
	for _, personal := range []string{"RSSMRA80A01H501A", "12345678901", "01/01/1980", "Mario", "Rossi", "example.it"} {
		assert.NotContains(t, msg, personal)
	}
}

func TestIdentityFromAttributesRequired(t *testing.T) {
	for _, level := range []Level{LevelNone, LevelL3 + 1, 255} {
		_, err := IdentityFromAttributes("spid", level, spidAttributes())
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "level %d", level)
		assert.True(t, ve.Has("level", ""))
	}
	for _, fn := range []string{"", "TINIT-", "tinit- ", "   "} {
		a := spidAttributes()
		a[AttrFiscalNumber] = fn
		_, err := IdentityFromAttributes("spid", LevelL2, a)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "fiscalNumber %q", fn)
		assert.Equal(t, []FieldError{{AttrFiscalNumber, "required", "is required"}}, ve.Fields)
	}
}

func TestIdentityPrincipal(t *testing.T) {
	a := spidAttributes()
	a[AttrFiscalNumber] = "TINIT-rssmra80a01h501u"
	id, err := IdentityFromAttributes("spid", LevelL2, a)
	require.NoError(t, err)
	p := id.Principal("comune-roma")
	assert.Equal(t, "RSSMRA80A01H501U", p.ID)
	assert.Equal(t, "comune-roma", p.Tenant)
	assert.Equal(t, KindCitizen, p.Kind)
	assert.Equal(t, []Role{RoleCitizen}, p.Roles)
	assert.Equal(t, id.FiscalCode, p.FiscalCode)
	assert.Equal(t, LevelL2, p.Level)
	assert.Equal(t, "spid", p.Provider)
	assert.True(t, p.IsCitizen())
	assert.True(t, p.HasRole(RoleCitizen))
	assert.Empty(t, p.Services)

	// Each call returns its own Roles slice.
	q := id.Principal("comune-roma")
	q.Roles[0] = RoleAdmin
	assert.Equal(t, []Role{RoleCitizen}, p.Roles)
}

func TestCheckLevel(t *testing.T) {
	citizen := func(l Level) Principal {
		return Principal{ID: "x", Tenant: "t", Kind: KindCitizen, Roles: []Role{RoleCitizen}, Level: l}
	}
	operator := Principal{ID: "op", Tenant: "t", Kind: KindOperator, Roles: []Role{RoleOperator, RoleAdmin}}
	tests := []struct {
		name     string
		p        Principal
		required Level
		missing  string // "" means allowed
	}{
		{"anonymous service, anonymous visitor", Principal{}, LevelNone, ""},
		{"anonymous service, citizen", citizen(LevelL1), LevelNone, ""},
		{"anonymous service, operator", operator, LevelNone, ""},
		{"anonymous service, system", System("t"), LevelNone, ""},
		{"L1 met by L1", citizen(LevelL1), LevelL1, ""},
		{"L1 met by L3", citizen(LevelL3), LevelL1, ""},
		{"L2 met by L2", citizen(LevelL2), LevelL2, ""},
		{"L2 met by L3", citizen(LevelL3), LevelL2, ""},
		{"L3 met by L3", citizen(LevelL3), LevelL3, ""},
		{"L2 not met by L1", citizen(LevelL1), LevelL2, "level:L2"},
		{"L3 not met by L2", citizen(LevelL2), LevelL3, "level:L3"},
		{"L1 not met by unauthenticated citizen", citizen(LevelNone), LevelL1, "level:L1"},
		{"L1 not met by anonymous", Principal{}, LevelL1, "level:L1"},
		{"operator meets no citizen level", operator, LevelL1, "level:L1"},
		{"system meets no citizen level", System("t"), LevelL2, "level:L2"},
		{"unknown level is never met", citizen(LevelL3), LevelL3 + 1, "level:unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLevel(tt.p, tt.required)
			if tt.missing == "" {
				assert.NoError(t, err)
				return
			}
			var pe *PermissionError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, ErrForbidden)
			assert.Equal(t, Action("access_service"), pe.Action)
			assert.Equal(t, tt.missing, pe.Missing)
			assert.False(t, strings.Contains(err.Error(), "RSSMRA"))
		})
	}
}

func TestIdentityFromAttributesRefusesBadText(t *testing.T) {
	for _, attr := range []string{AttrSPIDCode, AttrName, AttrFamilyName, AttrEmail, AttrMobilePhone, AttrPlaceOfBirth, AttrCompanyName} {
		for _, bad := range []string{"a\x00b", "a\xffb", "a\nb"} {
			a := spidAttributes()
			a[attr] = bad
			_, err := IdentityFromAttributes("spid", LevelL2, a)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, "%s = %q", attr, bad)
			assert.Equal(t, []FieldError{{attr, "line", "must be valid UTF-8 text on one line, without control characters"}}, ve.Fields)
		}
	}
	_, err := IdentityFromAttributes("sp\x00id", LevelL2, spidAttributes())
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("provider", "line"))
}
