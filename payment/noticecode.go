package payment

// NoticeCode is a pagoPA notice code ("numero avviso"): 18 digits, an aux
// digit followed by 17 digits whose layout the aux digit sets:
//
//	aux 0: <application code 2><IUV base 13><check 2>, IUV = base + check
//	aux 1: <IUV 17>, no check digits
//	aux 3: <segregation code 2><IUV base 13><check 2>, IUV = segregation + base + check
//
// The check digits are the remainder of dividing by 93 the number formed by
// every preceding digit, aux digit included, on two digits. A NoticeCode
// is a comparable value; the zero value is no code (IsZero).
type NoticeCode struct {
	// d holds the 18 ASCII digits; d[0] == 0 for the zero value.
	d [18]byte
}

// Aux digits.
const (
	// AuxApplication (0): the code carries an application code and check
	// digits.
	AuxApplication = 0
	// AuxIUV (1): the 17 digits are the IUV itself.
	AuxIUV = 1
	// AuxSegregation (3): the code carries a segregation code and check
	// digits; the form a creditor body with several collection systems
	// issues, and the one Generator issues.
	AuxSegregation = 3
)

// noticeCodeErrors are the refusal errors, allocated once so that parsing
// never allocates.
var (
	errNoticeLength = &NoticeCodeError{Rule: "length"}
	errNoticeDigits = &NoticeCodeError{Rule: "digits"}
	errNoticeAux    = &NoticeCodeError{Rule: "aux_digit"}
	errNoticeCheck  = &NoticeCodeError{Rule: "check_digits"}
)

// ParseNoticeCode reads a notice code: 18 digits, with any spaces (as
// printed on a notice, in groups of four) removed. The aux digit must be 0,
// 1 or 3, and for aux 0 and 3 the check digits must match. Errors are
// *NoticeCodeError; parsing a valid code does not allocate.
func ParseNoticeCode(s string) (NoticeCode, error) {
	var c NoticeCode
	n := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == ' ' {
			continue
		}
		if b < '0' || b > '9' {
			return NoticeCode{}, errNoticeDigits
		}
		if n == len(c.d) {
			return NoticeCode{}, errNoticeLength
		}
		c.d[n] = b
		n++
	}
	if n != len(c.d) {
		return NoticeCode{}, errNoticeLength
	}
	switch c.d[0] {
	case '0', '3':
		if checkDigits(c.d[:16]) != int(c.d[16]-'0')*10+int(c.d[17]-'0') {
			return NoticeCode{}, errNoticeCheck
		}
	case '1':
	default:
		return NoticeCode{}, errNoticeAux
	}
	return c, nil
}

// checkDigits returns the remainder of dividing by 93 the number the ASCII
// digits form. The 16 digits before the check digits fit a uint64 (10^16 <
// 2^64), so one division suffices; longer input is reduced as it goes.
func checkDigits(digits []byte) int {
	var n uint64
	for i, b := range digits {
		n = n*10 + uint64(b-'0')
		if i%16 == 15 {
			n %= 93
		}
	}
	return int(n % 93)
}

// IUVBaseMax is one more than the largest IUV base of aux 0 and aux 3
// codes (13 digits).
const IUVBaseMax uint64 = 1e13

// NewSegregationNoticeCode builds the aux-3 notice code of a segregation
// code (0..99) and an IUV base (0..IUVBaseMax-1), computing its check
// digits. Out-of-range arguments give a *ValidationError.
func NewSegregationNoticeCode(segregation int, base uint64) (NoticeCode, error) {
	return newCheckedNoticeCode('3', segregation, base)
}

// NewApplicationNoticeCode builds the aux-0 notice code of an application
// code (0..99) and an IUV base (0..IUVBaseMax-1), computing its check
// digits. Out-of-range arguments give a *ValidationError.
func NewApplicationNoticeCode(application int, base uint64) (NoticeCode, error) {
	return newCheckedNoticeCode('0', application, base)
}

func newCheckedNoticeCode(aux byte, prefix int, base uint64) (NoticeCode, error) {
	var v validationErrors
	if prefix < 0 || prefix > 99 {
		field := "segregation_code"
		if aux == '0' {
			field = "application_code"
		}
		v.add(field, "range", "must be between 00 and 99")
	}
	if base >= IUVBaseMax {
		v.add("iuv_base", "range", "must have at most 13 digits")
	}
	if err := v.err(); err != nil {
		return NoticeCode{}, err
	}
	var c NoticeCode
	c.d[0] = aux
	c.d[1] = byte('0' + prefix/10)
	c.d[2] = byte('0' + prefix%10)
	for i := 15; i >= 3; i-- {
		c.d[i] = byte('0' + base%10)
		base /= 10
	}
	r := checkDigits(c.d[:16])
	c.d[16] = byte('0' + r/10)
	c.d[17] = byte('0' + r%10)
	return c, nil
}

// IsZero reports whether c is the zero NoticeCode (no code).
func (c NoticeCode) IsZero() bool { return c.d[0] == 0 }

// String returns the 18 digits, or "" for the zero value.
func (c NoticeCode) String() string {
	if c.IsZero() {
		return ""
	}
	return string(c.d[:])
}

// Grouped returns the code in groups of four digits separated by spaces,
// as printed on a notice ("3012 3456 ..."); ParseNoticeCode reads it back.
func (c NoticeCode) Grouped() string {
	if c.IsZero() {
		return ""
	}
	b := make([]byte, 0, 22)
	for i, d := range c.d {
		if i > 0 && i%4 == 0 {
			b = append(b, ' ')
		}
		b = append(b, d)
	}
	return string(b)
}

// AuxDigit returns 0, 1 or 3 (-1 for the zero value).
func (c NoticeCode) AuxDigit() int {
	if c.IsZero() {
		return -1
	}
	return int(c.d[0] - '0')
}

// IUV returns the unique payment identifier inside the code: 15 digits for
// aux 0 (base + check digits), 17 for aux 1 and 3.
func (c NoticeCode) IUV() string {
	switch c.AuxDigit() {
	case AuxApplication:
		return string(c.d[3:])
	case AuxIUV, AuxSegregation:
		return string(c.d[1:])
	}
	return ""
}

// SegregationCode returns the two-digit segregation code of an aux-3 code,
// else "".
func (c NoticeCode) SegregationCode() string {
	if c.AuxDigit() != AuxSegregation {
		return ""
	}
	return string(c.d[1:3])
}

// ApplicationCode returns the two-digit application code of an aux-0 code,
// else "".
func (c NoticeCode) ApplicationCode() string {
	if c.AuxDigit() != AuxApplication {
		return ""
	}
	return string(c.d[1:3])
}

// MarshalText implements encoding.TextMarshaler (the 18 digits).
func (c NoticeCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseNoticeCode;
// empty text gives the zero value.
func (c *NoticeCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = NoticeCode{}
		return nil
	}
	p, err := ParseNoticeCode(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}
