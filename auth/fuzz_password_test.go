package auth

import (
	"strings"
	"testing"
)

// FuzzParseArgon2Hash checks that the PHC parser never panics, that
// everything it accepts is within the Argon2Params bounds, and that it
// accepts only canonical strings: re-encoding gives the input back.
func FuzzParseArgon2Hash(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$H1xPIIbNjT0MHhKpVl6eVWLlf8OsZmcPqlbUvEHLrkw",
		"$argon2id$v=19$m=64,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=4194304,t=64,p=64$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=16$m=64,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=064,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAQ==$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAB$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$AA$AA",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"", "$", "$$$$$", "$argon2id$v=19$m=,t=,p=$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseArgon2Hash(s)
		if err != nil {
			if a.salt != nil || a.key != nil {
				t.Fatalf("rejected input returned data")
			}
			return
		}
		if err := a.params.Validate(); err != nil {
			t.Fatalf("accepted out-of-range parameters %+v: %v", a.params, err)
		}
		if int(a.params.SaltLength) != len(a.salt) || int(a.params.KeyLength) != len(a.key) {
			t.Fatalf("lengths %+v disagree with salt %d, key %d bytes", a.params, len(a.salt), len(a.key))
		}
		if got := a.encode(); got != s {
			t.Fatalf("accepted %q but it re-encodes to %q", s, got)
		}
		if !strings.HasPrefix(s, "$argon2id$v=19$m=") {
			t.Fatalf("accepted a foreign prefix: %q", s)
		}
	})
}
