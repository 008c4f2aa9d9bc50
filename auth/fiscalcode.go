package auth

import (
	"fmt"
	"strings"
	"time"
)

// FiscalCode is a validated Italian codice fiscale: either the 16-character
// personal code or the 11-digit numeric code. The zero value means "no
// code". It is a comparable value: use it as a map key or compare with ==.
//
// Two codes compare equal only when written identically: an omocodic code
// and its decoded form (see Normalized) are different values.
type FiscalCode struct {
	code [16]byte
	n    uint8 // 16, 11, or 0 for the zero value
}

// ErrInvalidFiscalCode is matched (through errors.Is) by every error
// ParseFiscalCode returns. It itself matches ErrValidation.
var ErrInvalidFiscalCode = fmt.Errorf("%w: fiscal code", ErrValidation)

// FiscalCodeRule names the rule a codice fiscale (or a partita IVA, which
// follows the rules of the 11-digit numeric code) failed.
type FiscalCodeRule uint8

// The rules checked by ParseFiscalCode and ValidateVATNumber, in the order
// they are checked.
const (
	// RuleLength: after trimming spaces the input is neither 16 characters
	// (personal code) nor 11 characters (numeric code, partita IVA).
	RuleLength FiscalCodeRule = iota + 1
	// RuleCharacter: a character is not allowed at its position: the
	// personal code wants letters at positions 1-6, 9, 12 and 16, and digits
	// (or their omocodia letters L M N P Q R S T U V) at 7, 8, 10, 11 and
	// 13-15; numeric codes want digits only.
	RuleCharacter
	// RuleMonth: the month letter (position 9) is not one of
	// A B C D E H L M P R S T.
	RuleMonth
	// RuleDay: the day (positions 10-11) is not 1..31 (men) or 41..71
	// (women), or exceeds the days of the month (29 February only in the
	// two-digit years that are multiples of 4, "00" included).
	RuleDay
	// RuleCheck: the check character (personal code) or check digit
	// (numeric code, partita IVA) does not match the rest of the code.
	RuleCheck
	// RulePlaceholder: the number is an obvious placeholder, such as the
	// all-zero partita IVA. ParseFiscalCode never reports it; see
	// FiscalCode.IsPlaceholder.
	RulePlaceholder
)

// String returns the rule's stable name: "length", "character", "month",
// "day", "check", "placeholder", or "unknown".
func (r FiscalCodeRule) String() string {
	switch r {
	case RuleLength:
		return "length"
	case RuleCharacter:
		return "character"
	case RuleMonth:
		return "month"
	case RuleDay:
		return "day"
	case RuleCheck:
		return "check"
	case RulePlaceholder:
		return "placeholder"
	}
	return "unknown"
}

// fiscalCodeMessage is a human explanation of why a codice fiscale is
// invalid; it never contains the code itself.
func (r FiscalCodeRule) fiscalCodeMessage() string {
	switch r {
	case RuleLength:
		return "must be 16 characters (personal code) or 11 digits (numeric code)"
	case RuleCharacter:
		return "contains a character that is not allowed at its position"
	case RuleMonth:
		return "the month letter is not one of A B C D E H L M P R S T"
	case RuleDay:
		return "the day of birth is out of range for its month"
	case RuleCheck:
		return "the check character does not match"
	case RulePlaceholder:
		return "is a placeholder code"
	}
	return "is not valid"
}

// FiscalCodeError says which rule a codice fiscale failed. Its message never
// contains the input. It matches ErrInvalidFiscalCode and ErrValidation.
type FiscalCodeError struct {
	// Rule is the first rule the input failed.
	Rule FiscalCodeRule
}

// Error names the failed rule; it never contains the input.
func (e *FiscalCodeError) Error() string {
	return "auth: invalid fiscal code: " + e.Rule.fiscalCodeMessage()
}

// Is reports whether target is ErrInvalidFiscalCode or ErrValidation.
func (e *FiscalCodeError) Is(target error) bool {
	return target == ErrInvalidFiscalCode || target == ErrValidation
}

// fcMonths lists the month letters, January to December.
const fcMonths = "ABCDEHLMPRST"

// fcOddValue scores a character at an odd (1-based) position of the
// personal code for the check character; index 0..25 is the letter A..Z,
// and digit d scores like the letter at index d.
var fcOddValue = [26]uint8{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A..J (and 0..9)
	2, 4, 18, 20, 11, 3, 6, 8, 12, 14, // K..T
	16, 10, 22, 25, 24, 23, // U..Z
}

// fcOmocodiaPos lists the 0-based positions of the personal code that hold
// digits, which omocodia may replace with letters.
var fcOmocodiaPos = [7]uint8{6, 7, 9, 10, 12, 13, 14}

// fcDigitPos reports whether the 0-based position i of the personal code
// holds a digit (possibly replaced by its omocodia letter).
func fcDigitPos(i int) bool {
	switch i {
	case 6, 7, 9, 10, 12, 13, 14:
		return true
	}
	return false
}

// fcUpper upper-cases an ASCII letter and leaves every other byte alone.
func fcUpper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// fcIsLetter reports whether b is an upper-case ASCII letter.
func fcIsLetter(b byte) bool { return 'A' <= b && b <= 'Z' }

// fcIsDigit reports whether b is an ASCII digit.
func fcIsDigit(b byte) bool { return '0' <= b && b <= '9' }

// fcDigitOf maps each byte allowed at a digit position of the personal
// code to the digit it stands for: '0'..'9' to themselves and the omocodia
// letters L M N P Q R S T U V to '0'..'9'. Other bytes map to 0.
var fcDigitOf = [256]byte{
	'0': '0', '1': '1', '2': '2', '3': '3', '4': '4',
	'5': '5', '6': '6', '7': '7', '8': '8', '9': '9',
	'L': '0', 'M': '1', 'N': '2', 'P': '3', 'Q': '4',
	'R': '5', 'S': '6', 'T': '7', 'U': '8', 'V': '9',
}

// decodeOmocodia returns the digit b stands for at a digit position of the
// personal code: b itself for '0'..'9', or '0'..'9' for the omocodia
// letters L M N P Q R S T U V. ok is false for any other byte.
func decodeOmocodia(b byte) (digit byte, ok bool) {
	d := fcDigitOf[b]
	return d, d != 0
}

// monthIndex returns the month (1..12) a month letter stands for, or 0 if b
// is not a month letter.
func monthIndex(b byte) int {
	for i := 0; i < len(fcMonths); i++ {
		if fcMonths[i] == b {
			return i + 1
		}
	}
	return 0
}

// fcDaysIn returns the days month (1..12) can have in a year whose last
// two digits are yy. February has 29 only when yy is a multiple of 4: the
// century is not encoded, but a two-digit year that is not a multiple of 4
// is a common year in every century, and one that is is a leap year in
// every century but for "00" (1900 was common, 2000 leap), which is
// therefore accepted.
func fcDaysIn(month, yy int) int {
	switch month {
	case 2:
		if yy%4 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// fcValidDay reports whether the encoded day (1..31 for men, 41..71 for
// women) exists in month of a year ending in yy.
func fcValidDay(day, month, yy int) bool {
	if day > 40 {
		day -= 40
	}
	return day >= 1 && day <= fcDaysIn(month, yy)
}

// checkChar16 returns the check character of a personal code from its first
// 15 characters, as written (omocodia letters included). c must hold at
// least 15 bytes, each an upper-case letter or a digit.
func checkChar16(c []byte) byte {
	_ = c[14]
	sum := 0
	for i := 0; i < 15; i++ {
		b := c[i]
		var v uint8
		if fcIsDigit(b) {
			v = b - '0'
		} else {
			v = b - 'A'
		}
		if i%2 == 0 { // odd 1-based position
			sum += int(fcOddValue[v%26])
		} else {
			sum += int(v)
		}
	}
	return 'A' + byte(sum%26)
}

// checkDigit11 returns the check digit ('0'..'9') of an 11-digit numeric
// code or partita IVA from its first 10 digits. c must hold at least 10
// bytes, each an ASCII digit.
func checkDigit11(c []byte) byte {
	_ = c[9]
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(c[i] - '0')
		if i%2 == 1 { // even 1-based position
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return '0' + byte((10-sum%10)%10)
}

// ParseFiscalCode parses a codice fiscale: the 16-character personal code,
// omocodic variants included, or the 11-digit numeric code of legal
// entities and temporary codes. Letters may be in any case and surrounding
// white space is ignored; the result holds the code in upper case, as
// written (omocodia letters are kept; see Normalized).
//
// The personal code is checked for its characters per position, its month
// letter, its day of birth (1..31, or 41..71 for women, within the days of
// the month) and its check character; the numeric code for its digits and
// its check digit. 29 February is accepted only in the two-digit years
// that are multiples of 4: any other is a common year in every century.
// "00" stays ambiguous (1900 was a common year, 2000 a leap year) and is
// accepted; BirthDate resolves it.
//
// An invalid input gives a *FiscalCodeError naming the first failed rule,
// matching ErrInvalidFiscalCode and ErrValidation. Parsing a valid code
// does not allocate.
func ParseFiscalCode(s string) (FiscalCode, error) {
	s = strings.TrimSpace(s)
	var rule FiscalCodeRule
	var f FiscalCode
	switch len(s) {
	case 16:
		f, rule = parseFiscalCode16(s)
	case 11:
		f, rule = parseFiscalCode11(s)
	default:
		rule = RuleLength
	}
	if rule != 0 {
		return FiscalCode{}, &FiscalCodeError{Rule: rule}
	}
	return f, nil
}

// parseFiscalCode16 parses a trimmed 16-byte personal code; rule is 0 when
// it is valid.
func parseFiscalCode16(s string) (f FiscalCode, rule FiscalCodeRule) {
	var dec [16]byte // the code with omocodia decoded
	for i := 0; i < 16; i++ {
		b := fcUpper(s[i])
		f.code[i] = b
		if fcDigitPos(i) {
			d, ok := decodeOmocodia(b)
			if !ok {
				return FiscalCode{}, RuleCharacter
			}
			dec[i] = d
		} else {
			if !fcIsLetter(b) {
				return FiscalCode{}, RuleCharacter
			}
			dec[i] = b
		}
	}
	month := monthIndex(dec[8])
	if month == 0 {
		return FiscalCode{}, RuleMonth
	}
	yy := int(dec[6]-'0')*10 + int(dec[7]-'0')
	day := int(dec[9]-'0')*10 + int(dec[10]-'0')
	if !fcValidDay(day, month, yy) {
		return FiscalCode{}, RuleDay
	}
	if checkChar16(f.code[:15]) != f.code[15] {
		return FiscalCode{}, RuleCheck
	}
	f.n = 16
	return f, 0
}

// parseFiscalCode11 parses a trimmed 11-byte numeric code; rule is 0 when
// it is valid.
func parseFiscalCode11(s string) (f FiscalCode, rule FiscalCodeRule) {
	for i := 0; i < 11; i++ {
		b := s[i]
		if !fcIsDigit(b) {
			return FiscalCode{}, RuleCharacter
		}
		f.code[i] = b
	}
	if checkDigit11(f.code[:10]) != f.code[10] {
		return FiscalCode{}, RuleCheck
	}
	f.n = 11
	return f, 0
}

// String returns the canonical (upper-case) code, or "" for the zero value.
func (f FiscalCode) String() string { return string(f.code[:f.n]) }

// IsZero reports whether f is the zero value.
func (f FiscalCode) IsZero() bool { return f.n == 0 }

// IsPersonal reports whether f is a 16-character personal code (as opposed
// to an 11-digit numeric code or the zero value).
func (f FiscalCode) IsPersonal() bool { return f.n == 16 }

// decoded returns the personal code with omocodia letters replaced by
// their digits (the check character is left as written).
func (f FiscalCode) decoded() [16]byte {
	c := f.code
	for _, i := range fcOmocodiaPos {
		if d, ok := decodeOmocodia(c[i]); ok {
			c[i] = d
		}
	}
	return c
}

// Normalized returns the personal code with omocodia undone: the letters
// standing for digits are replaced by the digits and the check character
// is recomputed, so the result is itself a valid code. Codes without
// omocodia, numeric codes and the zero value are returned unchanged.
func (f FiscalCode) Normalized() FiscalCode {
	if f.n != 16 {
		return f
	}
	c := f.decoded()
	c[15] = checkChar16(c[:15])
	return FiscalCode{code: c, n: 16}
}

// BirthDate returns the date of birth encoded in a personal code, at
// midnight UTC. The code holds only two digits of the year; the century is
// chosen so that the year is the latest one not after now's year:
// 2000+yy when that is not after now.Year(), else 1900+yy. ok is false for
// numeric codes, for the zero value, and when the code says 29 February of
// a resolved year that is not a leap year (only "00" resolved to 1900 can
// be: ParseFiscalCode refuses 29 February in the other common years).
func (f FiscalCode) BirthDate(now time.Time) (date time.Time, ok bool) {
	if f.n != 16 {
		return time.Time{}, false
	}
	c := f.decoded()
	yy := int(c[6]-'0')*10 + int(c[7]-'0')
	month := monthIndex(c[8])
	day := int(c[9]-'0')*10 + int(c[10]-'0')
	if day > 40 {
		day -= 40
	}
	year := 2000 + yy
	if year > now.Year() {
		year = 1900 + yy
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day { // 29 February of a common year rolled over
		return time.Time{}, false
	}
	return d, true
}

// Sex is the sex encoded in a personal codice fiscale. The zero value means
// unknown (numeric codes, the zero FiscalCode).
type Sex byte

// The two values a personal code encodes.
const (
	// SexMale: the day of birth is written as 1..31.
	SexMale Sex = 'M'
	// SexFemale: the day of birth is written as 41..71.
	SexFemale Sex = 'F'
)

// String returns "M", "F", or "" for the zero value.
func (s Sex) String() string {
	switch s {
	case SexMale:
		return "M"
	case SexFemale:
		return "F"
	}
	return ""
}

// Sex returns the sex encoded in a personal code, or the zero Sex for
// numeric codes and the zero value.
func (f FiscalCode) Sex() Sex {
	if f.n != 16 {
		return 0
	}
	c := f.decoded()
	if c[9] >= '4' {
		return SexFemale
	}
	return SexMale
}

// PlaceCode returns the 4-character cadastral (Belfiore) code of the place
// of birth, e.g. "H501" for Rome or "Z" plus three digits for a foreign
// country, with omocodia decoded. It returns "" for numeric codes and the
// zero value.
func (f FiscalCode) PlaceCode() string {
	if f.n != 16 {
		return ""
	}
	c := f.decoded()
	return string(c[11:15])
}

// IsPlaceholder reports whether f is an obviously fictitious code: a
// personal code whose surname and name part is "XXXXXX", or a numeric code
// made of one repeated digit (such as "00000000000"). Such codes are
// syntactically valid but identify nobody.
func (f FiscalCode) IsPlaceholder() bool {
	switch f.n {
	case 16:
		return string(f.code[:6]) == "XXXXXX"
	case 11:
		for i := 1; i < 11; i++ {
			if f.code[i] != f.code[0] {
				return false
			}
		}
		return true
	}
	return false
}

// isZeroNumeric reports whether f is the all-zero numeric code, the
// placeholder no entity holds (ValidateVATNumber refuses it too).
func (f FiscalCode) isZeroNumeric() bool {
	return f.n == 11 && string(f.code[:11]) == "00000000000"
}

// MarshalText implements encoding.TextMarshaler: the canonical code, or
// empty text for the zero value.
func (f FiscalCode) MarshalText() ([]byte, error) {
	return append([]byte(nil), f.code[:f.n]...), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseFiscalCode.
// Empty (or all-space) text gives the zero value.
func (f *FiscalCode) UnmarshalText(text []byte) error {
	if len(strings.TrimSpace(string(text))) == 0 {
		*f = FiscalCode{}
		return nil
	}
	c, err := ParseFiscalCode(string(text))
	if err != nil {
		return err
	}
	*f = c
	return nil
}
