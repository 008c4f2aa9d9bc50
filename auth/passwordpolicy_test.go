package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/trustelem/zxcvbn/frequency"
)

// filler returns an n-byte ASCII string that is not a common password and
// contains no test username.
func filler(n int) string {
	return strings.Repeat("kq7vzw3j", n/8+1)[:n]
}

func TestPasswordPolicyWithDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   PasswordPolicy
		want PasswordPolicy
	}{
		{"zero", PasswordPolicy{}, PasswordPolicy{MinLength: 8, MaxLength: 128}},
		{"single factor", PasswordPolicy{SingleFactor: true}, PasswordPolicy{MinLength: 15, MaxLength: 128, SingleFactor: true}},
		{"single factor with longer minimum", PasswordPolicy{SingleFactor: true, MinLength: 20}, PasswordPolicy{MinLength: 20, MaxLength: 128, SingleFactor: true}},
		{"minimum below the floor", PasswordPolicy{MinLength: 4}, PasswordPolicy{MinLength: 8, MaxLength: 128}},
		{"maximum below 64", PasswordPolicy{MaxLength: 20}, PasswordPolicy{MinLength: 8, MaxLength: 64}},
		{"maximum below minimum", PasswordPolicy{MinLength: 200}, PasswordPolicy{MinLength: 200, MaxLength: 200}},
		{"custom", PasswordPolicy{MinLength: 10, MaxLength: 256, MinStrength: 3}, PasswordPolicy{MinLength: 10, MaxLength: 256, MinStrength: 3}},
		{"strength clamped high", PasswordPolicy{MinStrength: 9}, PasswordPolicy{MinLength: 8, MaxLength: 128, MinStrength: 4}},
		{"strength clamped low", PasswordPolicy{MinStrength: -1}, PasswordPolicy{MinLength: 8, MaxLength: 128}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.in.withDefaults())
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	list := frequency.FrequencyLists["passwords"]
	require.Len(t, list, 30000, "the whole zxcvbn list, at least the 10,000 most common")
	set := commonPasswords()
	assert.GreaterOrEqual(t, len(set), 29000)
	for _, i := range []int{0, 1, 999, 9998, 9999, 29999} {
		assert.True(t, isCommonPassword(list[i]), "index %d", i)
		assert.True(t, isCommonPassword(strings.ToUpper(list[i])), "index %d upper-cased", i)
	}
	assert.False(t, isCommonPassword(filler(12)))
}

func TestPasswordPolicyCheck(t *testing.T) {
	list := frequency.FrequencyLists["passwords"]
	require.Equal(t, "qqqqqq1", list[9999], "fixture: the list's 10,000th entry")
	require.Equal(t, "lizaveta", list[9998], "fixture: an 8-byte entry near the 10,000th")

	tests := []struct {
		name     string
		policy   PasswordPolicy
		password string
		username string
		email    string
		rules    []string // nil: accepted
	}{
		// Lengths, in bytes.
		{"7 bytes", PasswordPolicy{}, filler(7), "", "", []string{"too_short"}},
		{"8 bytes", PasswordPolicy{}, filler(8), "", "", nil},
		{"empty", PasswordPolicy{}, "", "", "", []string{"too_short"}},
		{"128 bytes", PasswordPolicy{}, filler(128), "", "", nil},
		{"129 bytes", PasswordPolicy{}, filler(129), "", "", []string{"too_long"}},
		{"very long, never truncated", PasswordPolicy{}, filler(10000), "", "", []string{"too_long"}},
		{"custom minimum", PasswordPolicy{MinLength: 12}, filler(11), "", "", []string{"too_short"}},
		{"custom maximum", PasswordPolicy{MaxLength: 100}, filler(101), "", "", []string{"too_long"}},
		{"single factor 14 bytes", PasswordPolicy{SingleFactor: true}, filler(14), "", "", []string{"too_short"}},
		{"single factor 15 bytes", PasswordPolicy{SingleFactor: true}, filler(15), "", "", nil},
		{"single factor keeps a longer minimum", PasswordPolicy{SingleFactor: true, MinLength: 20}, filler(19), "", "", []string{"too_short"}},
		{"multi-byte counted in bytes: 4 characters, 12 bytes", PasswordPolicy{}, "日本語の", "", "", nil},
		{"multi-byte counted in bytes: 3 characters, 6 bytes", PasswordPolicy{}, "àèì", "", "", []string{"too_short"}},
		{"multi-byte at the maximum", PasswordPolicy{}, strings.Repeat("é", 64), "", "", nil},
		{"multi-byte over the maximum", PasswordPolicy{}, strings.Repeat("é", 64) + "x", "", "", []string{"too_long"}},
		{"spaces allowed", PasswordPolicy{}, "  " + filler(6), "", "", nil},

		// Encoding.
		{"invalid UTF-8", PasswordPolicy{}, "\xff\xfe" + filler(10), "", "", []string{"invalid_utf8"}},

		// Common passwords.
		{"among the most common", PasswordPolicy{}, "12345678", "", "", []string{"common_password"}},
		{"common, case-insensitive", PasswordPolicy{}, "PassWord", "", "", []string{"common_password"}},
		{"index 9,998", PasswordPolicy{}, "LizaVeta", "", "", []string{"common_password"}},
		{"index 9,999 (also short)", PasswordPolicy{}, "qqqqqq1", "", "", []string{"too_short", "common_password"}},
		{"long common password", PasswordPolicy{}, "1qaz2wsx3edc4rfv", "", "", []string{"common_password"}},
		{"common password as a substring is fine", PasswordPolicy{}, "password" + filler(8), "", "", nil},

		// Username and e-mail.
		{"contains username", PasswordPolicy{}, "xMRossi-" + filler(8), "mrossi", "", []string{"contains_username"}},
		{"username of 3 characters", PasswordPolicy{}, filler(8) + "BOB", "bob", "", []string{"contains_username"}},
		{"username of 2 characters ignored", PasswordPolicy{}, filler(8) + "al", "al", "", nil},
		{"multi-byte username of 3 characters", PasswordPolicy{}, filler(8) + "ÉLÈ", "élè", "", []string{"contains_username"}},
		{"username not contained", PasswordPolicy{}, filler(12), "mrossi", "", nil},
		{"contains e-mail local part", PasswordPolicy{}, filler(8) + "Mario.Rossi", "", "mario.rossi@comune.example.it", []string{"contains_email"}},
		{"contains whole e-mail", PasswordPolicy{}, "mario.rossi@comune.example.it", "", "mario.rossi@comune.example.it", []string{"contains_email"}},
		{"e-mail domain alone is fine", PasswordPolicy{}, filler(8) + "comune", "", "mario.rossi@comune.example.it", nil},
		{"e-mail local part of 2 characters ignored", PasswordPolicy{}, filler(8) + "ab", "", "ab@example.it", nil},
		{"username and e-mail", PasswordPolicy{}, "mrossi+mario.rossi", "mrossi", "mario.rossi@example.it", []string{"contains_username", "contains_email"}},

		// Strength.
		{"weak with strength required", PasswordPolicy{MinStrength: 3}, "aaaaaaaaaaaaaaaaaaaa", "", "", []string{"too_weak"}},
		{"weak without strength required", PasswordPolicy{}, "aaaaaaaaaaaaaaaaaaaa", "", "", nil},
		{"strong passphrase", PasswordPolicy{MinStrength: 4, SingleFactor: true}, "volpe arancione mangia 7 biscotti", "mrossi", "mario.rossi@example.it", nil},
		{"strong enough without user inputs", PasswordPolicy{MinStrength: 3}, "idrevaculnaig", "", "", nil},
		{"strength counts the username (reversed)", PasswordPolicy{MinStrength: 3}, "idrevaculnaig", "gianlucaverdi", "", []string{"too_weak"}},
		{"strength counts the e-mail (l33t)", PasswordPolicy{MinStrength: 3}, "g14nluc4verdi!!", "", "gianlucaverdi@example.it", []string{"too_weak"}},
		{"too long skips the strength estimate", PasswordPolicy{MinStrength: 4}, strings.Repeat("a", 5000), "", "", []string{"too_long"}},
		{"invalid UTF-8 skips the strength estimate", PasswordPolicy{MinStrength: 4}, "\xff" + filler(20), "", "", []string{"invalid_utf8"}},

		// Several rules at once, all listed.
		{"several", PasswordPolicy{MinStrength: 2}, "qqqqqq1", "qqqq", "qqqqq@example.it", []string{"too_short", "common_password", "contains_username", "contains_email", "too_weak"}},
		{"invalid and short", PasswordPolicy{}, "\xff\xfe", "", "", []string{"invalid_utf8", "too_short"}},
		{"single factor, common and with username", PasswordPolicy{SingleFactor: true}, "lizaveta", "liza", "", []string{"too_short", "common_password", "contains_username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.password, tt.username, tt.email)
			if tt.rules == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrValidation)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, f := range ve.Fields {
				assert.Equal(t, "password", f.Field)
				assert.NotEmpty(t, f.Message)
				got = append(got, f.Rule)
			}
			assert.ElementsMatch(t, tt.rules, got)

			msg := err.Error()
			if len(tt.password) >= 3 {
				assert.NotContains(t, msg, tt.password)
			}
			if tt.username != "" {
				assert.NotContains(t, msg, tt.username)
			}
			if tt.email != "" {
				assert.NotContains(t, msg, tt.email)
				assert.NotContains(t, msg, emailLocalPart(tt.email))
			}
		})
	}
}

func TestPasswordPolicyCheckMessages(t *testing.T) {
	err := PasswordPolicy{SingleFactor: true}.Check("short", "", "")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "must be at least 15 bytes long", ve.Fields[0].Message)

	err = PasswordPolicy{}.Check(filler(200), "", "")
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "must be at most 128 bytes long", ve.Fields[0].Message)
}

func TestPasswordStrength(t *testing.T) {
	assert.Equal(t, 0, PasswordStrength("password"))
	assert.Equal(t, 0, PasswordStrength(""))
	assert.Equal(t, 0, PasswordStrength("\xff\xfe\xfd"))
	assert.Equal(t, 4, PasswordStrength("volpe arancione mangia 7 biscotti"))

	with := PasswordStrength("g14nluc4verdi!!", "gianlucaverdi", "", "  ")
	without := PasswordStrength("g14nluc4verdi!!")
	assert.Less(t, with, without, "user inputs lower the score")

	// Long input is scored on its first 64 bytes, cutting on a rune boundary.
	long := strings.Repeat("é", 40) + strings.Repeat("Zq", 5000)
	s := PasswordStrength(long)
	assert.Equal(t, PasswordStrength(strings.Repeat("é", 32)), s)
	for _, pw := range []string{"a", "correct horse battery staple", filler(100)} {
		s := PasswordStrength(pw, "mrossi")
		assert.True(t, s >= 0 && s <= 4, "score %d", s)
	}
}
