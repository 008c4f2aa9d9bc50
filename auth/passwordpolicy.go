package auth

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/frequency"
)

// Password length bounds, in bytes (NIST SP 800-63B, OWASP).
const (
	// defaultPasswordMinLength is the minimum when a password is one of
	// several factors; no policy goes below it.
	defaultPasswordMinLength = 8
	// singleFactorPasswordMinLength is the minimum when the password is the
	// only factor.
	singleFactorPasswordMinLength = 15
	// defaultPasswordMaxLength is the default maximum.
	defaultPasswordMaxLength = 128
	// minPasswordMaxLength: a policy must allow passwords at least this long.
	minPasswordMaxLength = 64
	// maxZxcvbnInput bounds the bytes given to zxcvbn, whose cost grows
	// roughly with the cube of the length (64 bytes take a few ms, 128 bytes
	// up to ~60 ms, 512 bytes ~2 s).
	maxZxcvbnInput = 64
)

// PasswordPolicy decides which new passwords are acceptable, following NIST
// SP 800-63B and the OWASP cheat sheets: a minimum and a maximum length, no
// common passwords, nothing derived from the account's own username or
// e-mail, optionally a minimum zxcvbn strength, and no composition rules (no
// "one digit, one symbol"), which make passwords harder to remember without
// making them harder to guess.
//
// Lengths are counted in bytes of UTF-8, the bytes that are hashed: a
// password of non-Latin characters needs fewer characters to reach the
// minimum, and the maximum bounds the work any input can cause. Passwords
// are never truncated.
//
// The zero value is a valid policy with the defaults below.
type PasswordPolicy struct {
	// MinLength is the minimum length in bytes. Zero means 8; smaller values
	// are raised to 8, the NIST floor.
	MinLength int
	// MaxLength is the maximum length in bytes. Zero means 128; it is never
	// below 64 (NIST: at least 64 must be allowed) nor below the effective
	// minimum length.
	MaxLength int
	// SingleFactor says the password is the only authentication factor:
	// the minimum length is then at least 15 bytes.
	SingleFactor bool
	// MinStrength is the zxcvbn score (0 to 4) a password must reach; see
	// PasswordStrength. 0, the default, sets no strength requirement and
	// skips the estimate (about 1 ms per check); values above 4 count as 4.
	MinStrength int
}

// withDefaults returns p with zero fields defaulted and floors applied.
func (p PasswordPolicy) withDefaults() PasswordPolicy {
	p.MinLength = max(p.MinLength, defaultPasswordMinLength)
	if p.SingleFactor {
		p.MinLength = max(p.MinLength, singleFactorPasswordMinLength)
	}
	if p.MaxLength <= 0 {
		p.MaxLength = defaultPasswordMaxLength
	}
	p.MaxLength = max(p.MaxLength, minPasswordMaxLength, p.MinLength)
	p.MinStrength = min(max(p.MinStrength, 0), 4)
	return p
}

// commonPasswords is the set of the 30,000 most common passwords of the
// zxcvbn project's list (Dropbox, MIT licence), lower-cased. It is built on
// first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, pw := range list {
		set[strings.ToLower(pw)] = struct{}{}
	}
	return set
})

// isCommonPassword reports whether password, ignoring case, is in the
// common-password list.
func isCommonPassword(password string) bool {
	_, found := commonPasswords()[strings.ToLower(password)]
	return found
}

// emailLocalPart returns the part of email before its last '@' (all of it
// when there is none).
func emailLocalPart(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[:i]
	}
	return email
}

// containsFold reports whether s contains sub ignoring case, for sub of at
// least 3 characters (shorter ones, like "al", would reject too much).
func containsFold(s, sub string) bool {
	sub = strings.TrimSpace(sub)
	if utf8.RuneCountInString(sub) < 3 {
		return false
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Check reports whether password is acceptable as a new password for the
// account with the given username and e-mail (either may be empty). The
// error is a *ValidationError (matching ErrValidation) with one FieldError
// per failed rule, all on Field "password"; the rules are:
//
//   - "invalid_utf8": the password is not valid UTF-8 text;
//   - "too_short": fewer bytes than the minimum (8, or 15 with SingleFactor);
//   - "too_long": more bytes than MaxLength (the password is never truncated);
//   - "common_password": it is, ignoring case, one of the 30,000 most common
//     passwords of the zxcvbn list;
//   - "contains_username": it contains the username, ignoring case (usernames
//     of 3 characters or more);
//   - "contains_email": it contains the e-mail's local part (before '@'),
//     ignoring case (local parts of 3 characters or more);
//   - "too_weak": its zxcvbn score, with the username and local part as
//     user inputs, is below MinStrength (checked only when MinStrength > 0,
//     and only for valid passwords within MaxLength).
//
// Messages are English and never repeat the password, username or e-mail.
func (p PasswordPolicy) Check(password, username, email string) error {
	p = p.withDefaults()
	var v validationErrors
	validUTF8 := utf8.ValidString(password)
	if !validUTF8 {
		v.add("password", "invalid_utf8", "must be valid UTF-8 text")
	}
	if len(password) < p.MinLength {
		v.add("password", "too_short", fmt.Sprintf("must be at least %d bytes long", p.MinLength))
	}
	tooLong := len(password) > p.MaxLength
	if tooLong {
		v.add("password", "too_long", fmt.Sprintf("must be at most %d bytes long", p.MaxLength))
	}
	if isCommonPassword(password) {
		v.add("password", "common_password", "is one of the most commonly used passwords")
	}
	local := emailLocalPart(email)
	if containsFold(password, username) {
		v.add("password", "contains_username", "must not contain the username")
	}
	if containsFold(password, local) {
		v.add("password", "contains_email", "must not contain the e-mail address (the part before '@')")
	}
	if p.MinStrength > 0 && validUTF8 && !tooLong {
		if PasswordStrength(password, username, local) < p.MinStrength {
			v.add("password", "too_weak", "is too easy to guess")
		}
	}
	return v.err()
}

// PasswordStrength estimates how hard password is to guess, as the zxcvbn
// score from 0 (too guessable: under 10^3 guesses) through 1 (10^6), 2 (10^8)
// and 3 (10^10) to 4 (very unguessable: 10^10 guesses or more). userInputs
// are words an attacker would try first for this account (username, name,
// e-mail local part, service name); empty ones are ignored.
//
// It is meant for hosts that show a strength meter while the user types; a
// policy applies it through PasswordPolicy.MinStrength. One call costs about
// 1 ms. Because zxcvbn's cost grows steeply with length (a 512-byte input
// would take seconds), only the first 64 bytes of password are scored: a
// longer password gets the score of that prefix. Invalid UTF-8 scores 0.
func PasswordStrength(password string, userInputs ...string) int {
	if !utf8.ValidString(password) {
		return 0
	}
	if len(password) > maxZxcvbnInput {
		cut := maxZxcvbnInput
		for cut > 0 && !utf8.RuneStart(password[cut]) {
			cut--
		}
		password = password[:cut]
	}
	inputs := make([]string, 0, len(userInputs))
	for _, in := range userInputs {
		if in = strings.TrimSpace(in); in != "" {
			inputs = append(inputs, in)
		}
	}
	return zxcvbn.PasswordStrength(password, inputs).Score
}
