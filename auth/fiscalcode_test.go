package auth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testOdd and testEven are the check-character tables of the reference,
// written out independently of the production code.
var (
	testOdd = map[byte]int{
		'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19,
		'J': 21, 'K': 2, 'L': 4, 'M': 18, 'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8,
		'S': 12, 'T': 14, 'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23,
		'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	}
	testOmocodia = "LMNPQRSTUV"
)

// withCheck appends the check character to the first 15 characters of a
// personal code (upper case).
func withCheck(t testing.TB, first15 string) string {
	t.Helper()
	require.Len(t, first15, 15)
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		if i%2 == 0 {
			v, ok := testOdd[c]
			require.True(t, ok, "bad character %q", c)
			sum += v
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return first15 + string(rune('A'+sum%26))
}

// withDigit appends the check digit to the first 10 digits of a numeric
// code or partita IVA.
func withDigit(t testing.TB, first10 string) string {
	t.Helper()
	require.Len(t, first10, 10)
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(first10[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return first10 + string(rune('0'+(10-sum%10)%10))
}

// omocodic replaces the digits at the given 1-based positions by their
// omocodia letters and recomputes the check character.
func omocodic(t testing.TB, code string, positions ...int) string {
	t.Helper()
	b := []byte(code[:15])
	for _, p := range positions {
		d := b[p-1]
		require.True(t, d >= '0' && d <= '9', "position %d is not a digit", p)
		b[p-1] = testOmocodia[d-'0']
	}
	return withCheck(t, string(b))
}

// breakCheck returns code with its last character replaced by another one
// of the same class.
func breakCheck(code string) string {
	last := code[len(code)-1]
	var repl byte
	switch {
	case last >= '0' && last <= '9':
		repl = '0' + (last-'0'+1)%10
	default:
		repl = 'A' + (last-'A'+1)%26
	}
	return code[:len(code)-1] + string(rune(repl))
}

func TestReferenceExamples(t *testing.T) {
	for _, code := range []string{"RSSMRA80A01H501U", "MRTMTT91D08F205J"} {
		assert.Equal(t, code, withCheck(t, code[:15]), "test helper disagrees with the reference")
		fc, err := ParseFiscalCode(code)
		require.NoError(t, err, code)
		assert.Equal(t, code, fc.String())
	}
}

func TestParseFiscalCodeValid(t *testing.T) {
	rossi := "RSSMRA80A01H501U"
	female := withCheck(t, "BNCLRA85T50F205")
	numeric := withDigit(t, "0636339100")
	tests := []struct {
		name, in, want string
		personal       bool
	}{
		{"reference 1", rossi, rossi, true},
		{"reference 2", "MRTMTT91D08F205J", "MRTMTT91D08F205J", true},
		{"female", female, female, true},
		{"lower case", strings.ToLower(rossi), rossi, true},
		{"mixed case", "rSsMrA80a01h501U", rossi, true},
		{"surrounding spaces", "  " + rossi + " ", rossi, true},
		{"tabs and newlines", "\t" + rossi + "\r\n", rossi, true},
		{"omocodia position 15", omocodic(t, rossi, 15), omocodic(t, rossi, 15), true},
		{"omocodia 14 and 15", omocodic(t, rossi, 14, 15), omocodic(t, rossi, 14, 15), true},
		{"omocodia all seven", omocodic(t, rossi, 7, 8, 10, 11, 13, 14, 15), omocodic(t, rossi, 7, 8, 10, 11, 13, 14, 15), true},
		{"omocodia lower case", strings.ToLower(omocodic(t, rossi, 7, 10)), omocodic(t, rossi, 7, 10), true},
		{"omocodia female day", omocodic(t, female, 10, 11), omocodic(t, female, 10, 11), true},
		{"foreign birth place", withCheck(t, "SMTJHN70C15Z114"), withCheck(t, "SMTJHN70C15Z114"), true},
		{"placeholder names still parse", withCheck(t, "XXXXXX80A01H501"), withCheck(t, "XXXXXX80A01H501"), true},
		{"numeric", numeric, numeric, false},
		{"numeric with spaces", " " + numeric + "  ", numeric, false},
		{"numeric all zeros", "00000000000", "00000000000", false},
		{"29 February of a year multiple of 4", withCheck(t, "RSSMRA84B29H501"), withCheck(t, "RSSMRA84B29H501"), true},
		{"29 February female", withCheck(t, "RSSMRA00B69H501"), withCheck(t, "RSSMRA00B69H501"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := ParseFiscalCode(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, fc.String())
			assert.Equal(t, tt.personal, fc.IsPersonal())
			assert.False(t, fc.IsZero())
		})
	}
}

func TestParseFiscalCodeInvalid(t *testing.T) {
	rossi := "RSSMRA80A01H501U"
	numeric := withDigit(t, "0636339100")
	tests := []struct {
		name, in string
		rule     FiscalCodeRule
	}{
		{"empty", "", RuleLength},
		{"only spaces", "     ", RuleLength},
		{"too short", rossi[:15], RuleLength},
		{"too long", rossi + "A", RuleLength},
		{"12 digits", numeric + "0", RuleLength},
		{"10 digits", numeric[:10], RuleLength},
		{"inner space", "RSSMRA80A01 H501U", RuleLength},
		{"non-ASCII letter", "RSSMRÀ80A01H501U", RuleLength},
		{"digit in surname", "R5SMRA80A01H501U", RuleCharacter},
		{"digit in name", "RSSMR480A01H501U", RuleCharacter},
		{"non-omocodia letter in year", "RSSMRAA0A01H501U", RuleCharacter},
		{"letter O in year", "RSSMRA8OA01H501U", RuleCharacter},
		{"digit as month", "RSSMRA80001H501U", RuleCharacter},
		{"bad letter in day", "RSSMRA80AK1H501U", RuleCharacter},
		{"digit as place letter", "RSSMRA80A011501U", RuleCharacter},
		{"bad letter in place digits", "RSSMRA80A01HA01U", RuleCharacter},
		{"digit as check", "RSSMRA80A01H5011", RuleCharacter},
		{"punctuation", "RSSMRA80A01H50-U", RuleCharacter},
		{"NUL byte", "RSSMRA80A01H501\x00", RuleCharacter},
		{"non-ASCII byte", "RSSMRA80A01H501\xff", RuleCharacter},
		{"letter in numeric", "0636339100A", RuleCharacter},
		{"sign in numeric", "-0636339100", RuleCharacter},
		{"month F", withCheck(t, "RSSMRA80F01H501"), RuleMonth},
		{"month Z", withCheck(t, "RSSMRA80Z01H501"), RuleMonth},
		{"day 00", withCheck(t, "RSSMRA80A00H501"), RuleDay},
		{"day 32", withCheck(t, "RSSMRA80A32H501"), RuleDay},
		{"day 40", withCheck(t, "RSSMRA80A40H501"), RuleDay},
		{"day 72", withCheck(t, "RSSMRA80A72H501"), RuleDay},
		{"day 99", withCheck(t, "RSSMRA80A99H501"), RuleDay},
		{"30 February", withCheck(t, "RSSMRA80B30H501"), RuleDay},
		{"31 April", withCheck(t, "RSSMRA80D31H501"), RuleDay},
		{"29 February of a common year", withCheck(t, "RSSMRA81B29H501"), RuleDay},
		{"29 February female, common year", withCheck(t, "RSSMRA81B69H501"), RuleDay},
		{"29 February omocodic common year", withCheck(t, "RSSMRAUMB29H501"), RuleDay},
		{"omocodic day 00", withCheck(t, "RSSMRA80ALLH501"), RuleDay},
		{"wrong check letter", breakCheck(rossi), RuleCheck},
		{"wrong check letter lower case", strings.ToLower(breakCheck(rossi)), RuleCheck},
		{"transposed name", "SRSMRA80A01H501U", RuleCheck},
		{"omocodic with plain check", "RSSMRA80A01H50MU", RuleCheck},
		{"wrong check digit", breakCheck(numeric), RuleCheck},
		{"numeric transposed", "6036339100" + numeric[10:], RuleCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := ParseFiscalCode(tt.in)
			require.Error(t, err)
			assert.True(t, fc.IsZero())
			var fe *FiscalCodeError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.rule, fe.Rule, "rule %s", fe.Rule)
			assert.ErrorIs(t, err, ErrValidation)
			assert.ErrorIs(t, err, ErrInvalidFiscalCode)
			if trimmed := strings.TrimSpace(tt.in); len(trimmed) >= 4 {
				assert.NotContains(t, err.Error(), trimmed)
				assert.NotContains(t, strings.ToUpper(err.Error()), strings.ToUpper(trimmed))
			}
		})
	}
}

func TestParseFiscalCodeDayLimits(t *testing.T) {
	limits := map[byte]int{
		'A': 31, 'B': 29, 'C': 31, 'D': 30, 'E': 31, 'H': 30,
		'L': 31, 'M': 31, 'P': 30, 'R': 31, 'S': 30, 'T': 31,
	}
	require.Len(t, limits, 12)
	day := func(d int) string { return string(rune('0'+d/10)) + string(rune('0'+d%10)) }
	for month, last := range limits {
		for _, female := range []bool{false, true} {
			off := 0
			if female {
				off = 40
			}
			for d := 0; d <= 32; d++ {
				code := withCheck(t, "RSSMRA80"+string(rune(month))+day(d+off)+"H501")
				_, err := ParseFiscalCode(code)
				if d >= 1 && d <= last {
					assert.NoError(t, err, "month %c day %d female %v", month, d, female)
					continue
				}
				var fe *FiscalCodeError
				if assert.ErrorAs(t, err, &fe, "month %c day %d female %v", month, d, female) {
					assert.Equal(t, RuleDay, fe.Rule)
				}
			}
		}
	}
}

// TestParseFiscalCodeDaysPerMonthEveryYear checks the last valid day of
// every month in every two-digit year, for men and women: February has 29
// days only in the years that are multiples of 4 ("00" included, as 2000
// was a leap year though 1900 was not).
func TestParseFiscalCodeDaysPerMonthEveryYear(t *testing.T) {
	const months = "ABCDEHLMPRST"
	two := func(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }
	for yy := 0; yy < 100; yy++ {
		for m := 0; m < 12; m++ {
			// The reference: the days of the month in 2000+yy, or in
			// 1900+yy when that one has more (only "00" differs).
			last := time.Date(2000+yy, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
			last = max(last, time.Date(1900+yy, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day())
			for _, off := range []int{0, 40} {
				prefix := "RSSMRA" + two(yy) + string(months[m])
				_, err := ParseFiscalCode(withCheck(t, prefix+two(last+off)+"H501"))
				assert.NoError(t, err, "year %02d month %c day %d", yy, months[m], last+off)
				_, err = ParseFiscalCode(withCheck(t, prefix+two(last+1+off)+"H501"))
				var fe *FiscalCodeError
				if assert.ErrorAs(t, err, &fe, "year %02d month %c day %d", yy, months[m], last+1+off) {
					assert.Equal(t, RuleDay, fe.Rule)
				}
			}
		}
	}
}

func TestParseFiscalCodeMonths(t *testing.T) {
	for c := byte('A'); c <= 'Z'; c++ {
		_, err := ParseFiscalCode(withCheck(t, "RSSMRA80"+string(rune(c))+"01H501"))
		if strings.IndexByte("ABCDEHLMPRST", c) >= 0 {
			assert.NoError(t, err, "month %c", c)
			continue
		}
		var fe *FiscalCodeError
		if assert.ErrorAs(t, err, &fe, "month %c", c) {
			assert.Equal(t, RuleMonth, fe.Rule, "month %c", c)
		}
	}
}

func TestParseFiscalCodeEveryWrongCheck(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for _, code := range []string{"RSSMRA80A01H501U", "MRTMTT91D08F205J", withDigit(t, "0636339100")} {
		for i := 0; i < len(alnum); i++ {
			c := alnum[i]
			if c == code[len(code)-1] {
				continue
			}
			_, err := ParseFiscalCode(code[:len(code)-1] + string(rune(c)))
			assert.ErrorIs(t, err, ErrInvalidFiscalCode, "check %c", c)
		}
	}
}

func TestFiscalCodeErrorMatching(t *testing.T) {
	_, err := ParseFiscalCode("RSSMRA80A01H501A")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	assert.ErrorIs(t, err, ErrInvalidFiscalCode)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, ErrInvalidFiscalCode, ErrValidation, "the sentinel belongs to the validation category")
	assert.Equal(t, "auth: invalid fiscal code: the check character does not match", err.Error())
}

func TestFiscalCodeRuleString(t *testing.T) {
	want := map[FiscalCodeRule]string{
		RuleLength: "length", RuleCharacter: "character", RuleMonth: "month",
		RuleDay: "day", RuleCheck: "check", RulePlaceholder: "placeholder",
		0: "unknown", 200: "unknown",
	}
	for r, s := range want {
		assert.Equal(t, s, r.String())
		assert.NotEmpty(t, (&FiscalCodeError{Rule: r}).Error())
	}
}

func TestCheckChar16(t *testing.T) {
	assert.Equal(t, byte('U'), checkChar16([]byte("RSSMRA80A01H501")))
	assert.Equal(t, byte('J'), checkChar16([]byte("MRTMTT91D08F205J")), "a 16th byte is ignored")
	for _, first15 := range []string{"BNCLRA85T50F205", "AAAAAAAAAAAAAAA", "ZZZZZZ99Z99Z999", "XXXXXXLLALLZLLL"} {
		want := withCheck(t, first15)
		assert.Equal(t, want[15], checkChar16([]byte(first15)), first15)
	}
}

func TestCheckDigit11(t *testing.T) {
	for _, first10 := range []string{"0000000000", "0636339100", "1234567890", "9999999999", "0123456789"} {
		want := withDigit(t, first10)
		assert.Equal(t, want[10], checkDigit11([]byte(first10)), first10)
	}
}

func TestDecodeOmocodia(t *testing.T) {
	for i := 0; i < 10; i++ {
		d, ok := decodeOmocodia(testOmocodia[i])
		assert.True(t, ok)
		assert.Equal(t, byte('0'+i), d)
		d, ok = decodeOmocodia(byte('0' + i))
		assert.True(t, ok)
		assert.Equal(t, byte('0'+i), d)
	}
	for _, b := range []byte("ABCDEFGHIJKOWXYZ lm-\x00\xff") {
		_, ok := decodeOmocodia(b)
		assert.False(t, ok, "%q", b)
	}
}

func TestMonthIndex(t *testing.T) {
	for i, c := range []byte("ABCDEHLMPRST") {
		assert.Equal(t, i+1, monthIndex(c))
	}
	for _, c := range []byte("FGIJKNOQUVWXYZa0 ") {
		assert.Zero(t, monthIndex(c), "%q", c)
	}
}

func TestFiscalCodeAccessors(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		code   string
		birth  time.Time
		sex    Sex
		place  string
		person bool
	}{
		{"Rossi", "RSSMRA80A01H501U", date(1980, time.January, 1), SexMale, "H501", true},
		{"Martini", "MRTMTT91D08F205J", date(1991, time.April, 8), SexMale, "F205", true},
		{"female", withCheck(t, "BNCLRA85T50F205"), date(1985, time.December, 10), SexFemale, "F205", true},
		{"female 31 May", withCheck(t, "BNCLRA99E71L219"), date(1999, time.May, 31), SexFemale, "L219", true},
		{"born this century", withCheck(t, "BNCLRA05M41A662"), date(2005, time.August, 1), SexFemale, "A662", true},
		{"born this year", withCheck(t, "BNCLRA25A01A662"), date(2025, time.January, 1), SexMale, "A662", true},
		{"year after now is last century", withCheck(t, "BNCLRA26A01A662"), date(1926, time.January, 1), SexMale, "A662", true},
		{"omocodic", omocodic(t, "RSSMRA80A01H501U", 7, 8, 10, 11, 13, 14, 15), date(1980, time.January, 1), SexMale, "H501", true},
		{"omocodic female", omocodic(t, withCheck(t, "BNCLRA85T50F205"), 10), date(1985, time.December, 10), SexFemale, "F205", true},
		{"foreign", withCheck(t, "SMTJHN70C15Z114"), date(1970, time.March, 15), SexMale, "Z114", true},
		{"numeric", withDigit(t, "0636339100"), time.Time{}, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := ParseFiscalCode(tt.code)
			require.NoError(t, err)
			got, ok := fc.BirthDate(now)
			assert.Equal(t, tt.person, ok)
			assert.True(t, tt.birth.Equal(got), "birth date %v, want %v", got, tt.birth)
			assert.Equal(t, tt.sex, fc.Sex())
			assert.Equal(t, tt.place, fc.PlaceCode())
			assert.Equal(t, tt.person, fc.IsPersonal())
		})
	}
}

func TestFiscalCodeZeroValue(t *testing.T) {
	var fc FiscalCode
	assert.True(t, fc.IsZero())
	assert.False(t, fc.IsPersonal())
	assert.Equal(t, "", fc.String())
	_, ok := fc.BirthDate(time.Now())
	assert.False(t, ok)
	assert.Equal(t, Sex(0), fc.Sex())
	assert.Equal(t, "", fc.Sex().String())
	assert.Equal(t, "", fc.PlaceCode())
	assert.False(t, fc.IsPlaceholder())
	assert.Equal(t, fc, fc.Normalized())
}

func TestSexString(t *testing.T) {
	assert.Equal(t, "M", SexMale.String())
	assert.Equal(t, "F", SexFemale.String())
	assert.Equal(t, "", Sex('X').String())
}

func TestBirthDateLeapDay(t *testing.T) {
	in2025 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	in1999 := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)

	fc, err := ParseFiscalCode(withCheck(t, "RSSMRA00B29H501"))
	require.NoError(t, err)
	d, ok := fc.BirthDate(in2025)
	require.True(t, ok)
	assert.Equal(t, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), d)
	_, ok = fc.BirthDate(in1999)
	assert.False(t, ok, "1900 is not a leap year")

	_, err = ParseFiscalCode(withCheck(t, "RSSMRA81B69H501"))
	assert.ErrorIs(t, err, ErrInvalidFiscalCode, "neither 1981 nor 2081 is a leap year")

	fc, err = ParseFiscalCode(withCheck(t, "RSSMRA84B29H501"))
	require.NoError(t, err)
	d, ok = fc.BirthDate(in2025)
	require.True(t, ok)
	assert.Equal(t, time.Date(1984, 2, 29, 0, 0, 0, 0, time.UTC), d)
}

func TestNormalized(t *testing.T) {
	rossi := "RSSMRA80A01H501U"
	plain, err := ParseFiscalCode(rossi)
	require.NoError(t, err)
	assert.Equal(t, plain, plain.Normalized())

	for _, positions := range [][]int{{15}, {7}, {10, 11}, {7, 8, 10, 11, 13, 14, 15}} {
		omo, err := ParseFiscalCode(omocodic(t, rossi, positions...))
		require.NoError(t, err)
		assert.NotEqual(t, plain, omo)
		n := omo.Normalized()
		assert.Equal(t, plain, n, "positions %v", positions)
		again, err := ParseFiscalCode(n.String())
		require.NoError(t, err, "the normalized code is valid")
		assert.Equal(t, n, again)
	}

	num, err := ParseFiscalCode("00000000000")
	require.NoError(t, err)
	assert.Equal(t, num, num.Normalized())
}

func TestIsPlaceholder(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"RSSMRA80A01H501U", false},
		{withCheck(t, "XXXXXX80A01H501"), true},
		{withCheck(t, "XXXXXX00A01Z999"), true},
		{withCheck(t, "XXXMRA80A01H501"), false},
		{withCheck(t, "RSSXXX80A01H501"), false},
		{"00000000000", true},
		{withDigit(t, "0636339100"), false},
	}
	// Numeric codes of one repeated digit that pass the check digit.
	for d := byte('1'); d <= '9'; d++ {
		code := strings.Repeat(string(rune(d)), 11)
		if _, err := ParseFiscalCode(code); err == nil {
			tests = append(tests, struct {
				code string
				want bool
			}{code, true})
		}
	}
	for _, tt := range tests {
		fc, err := ParseFiscalCode(tt.code)
		require.NoError(t, err, tt.code)
		assert.Equal(t, tt.want, fc.IsPlaceholder(), tt.code)
	}
}

func TestFiscalCodeText(t *testing.T) {
	type doc struct {
		Code  FiscalCode  `json:"code"`
		Ptr   *FiscalCode `json:"ptr,omitempty"`
		Empty FiscalCode  `json:"empty"`
	}
	fc, err := ParseFiscalCode(omocodic(t, "RSSMRA80A01H501U", 15))
	require.NoError(t, err)
	in := doc{Code: fc, Ptr: &fc}
	data, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"code":"`+fc.String()+`","ptr":"`+fc.String()+`","empty":""}`, string(data))

	var out doc
	require.NoError(t, json.Unmarshal(data, &out))
	assert.Equal(t, in.Code, out.Code)
	require.NotNil(t, out.Ptr)
	assert.Equal(t, fc, *out.Ptr)
	assert.True(t, out.Empty.IsZero())

	require.NoError(t, json.Unmarshal([]byte(`{"code":" rssmra80a01h501u "}`), &out))
	assert.Equal(t, "RSSMRA80A01H501U", out.Code.String())

	err = json.Unmarshal([]byte(`{"code":"RSSMRA80A01H501A"}`), &out)
	assert.ErrorIs(t, err, ErrInvalidFiscalCode)
	assert.NotContains(t, err.Error(), "RSSMRA80A01H501A")

	var z FiscalCode
	text, err := z.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text)
	require.NoError(t, fc.UnmarshalText([]byte("  ")))
	assert.True(t, fc.IsZero())
}

func TestFiscalCodeComparable(t *testing.T) {
	a, err := ParseFiscalCode("RSSMRA80A01H501U")
	require.NoError(t, err)
	b, err := ParseFiscalCode(" rssmra80a01h501u")
	require.NoError(t, err)
	seen := map[FiscalCode]int{a: 1}
	assert.Equal(t, 1, seen[b])
	assert.True(t, a == b)
}

func TestParseFiscalCodeAllocs(t *testing.T) {
	inputs := []string{
		"RSSMRA80A01H501U",
		strings.ToLower(" " + omocodic(t, "RSSMRA80A01H501U", 15) + " "),
		"MRTMTT91D08F205J",
		"00000000000",
	}
	for _, in := range inputs {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := ParseFiscalCode(in); err != nil {
				panic(err)
			}
		})
		assert.Zero(t, allocs, in)
	}
}

func BenchmarkParseFiscalCode(b *testing.B) {
	cases := []struct{ name, code string }{
		{"plain", "RSSMRA80A01H501U"},
		{"omocodic", omocodic(b, "RSSMRA80A01H501U", 7, 8, 10, 11, 13, 14, 15)},
		{"numeric", withDigit(b, "0636339100")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseFiscalCode(c.code); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBreakCheckHelper(t *testing.T) {
	// The helper used by the tables must change the last character.
	for _, s := range []string{"RSSMRA80A01H501U", "RSSMRA80A01H501Z", "00000000009"} {
		assert.NotEqual(t, s, breakCheck(s))
	}
}
