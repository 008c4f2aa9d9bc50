package auth

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testArgon2Params are cheap parameters that keep -race runs fast.
var testArgon2Params = Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func newTestHasher(t testing.TB, p Argon2Params) *PasswordHasher {
	t.Helper()
	h, err := NewPasswordHasher(p)
	require.NoError(t, err)
	return h
}

func TestDefaultArgon2Params(t *testing.T) {
	require.NoError(t, DefaultArgon2Params.Validate())
	assert.Equal(t, Argon2Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}, DefaultArgon2Params)
}

func TestArgon2ParamsValidate(t *testing.T) {
	ok := testArgon2Params
	tests := []struct {
		name  string
		edit  func(*Argon2Params)
		field string
		rule  string
	}{
		{"valid", func(*Argon2Params) {}, "", ""},
		{"minimum memory for one lane", func(p *Argon2Params) { p.Memory = 8 }, "", ""},
		{"maximum values", func(p *Argon2Params) {
			*p = Argon2Params{Memory: 4 << 20, Iterations: 64, Parallelism: 64, SaltLength: 64, KeyLength: 128}
		}, "", ""},
		{"zero memory", func(p *Argon2Params) { p.Memory = 0 }, "memory", "too_small"},
		{"memory below 8 KiB per lane", func(p *Argon2Params) { p.Parallelism = 4; p.Memory = 31 }, "memory", "too_small"},
		{"memory above 4 GiB", func(p *Argon2Params) { p.Memory = 4<<20 + 1 }, "memory", "too_large"},
		{"zero iterations", func(p *Argon2Params) { p.Iterations = 0 }, "iterations", "too_small"},
		{"absurd iterations", func(p *Argon2Params) { p.Iterations = 65 }, "iterations", "too_large"},
		{"zero parallelism", func(p *Argon2Params) { p.Parallelism = 0 }, "parallelism", "too_small"},
		{"absurd parallelism", func(p *Argon2Params) { p.Parallelism = 65; p.Memory = 65 * 8 }, "parallelism", "too_large"},
		{"short salt", func(p *Argon2Params) { p.SaltLength = 7 }, "salt_length", "too_small"},
		{"long salt", func(p *Argon2Params) { p.SaltLength = 65 }, "salt_length", "too_large"},
		{"short key", func(p *Argon2Params) { p.KeyLength = 15 }, "key_length", "too_small"},
		{"long key", func(p *Argon2Params) { p.KeyLength = 129 }, "key_length", "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.edit(&p)
			err := p.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrValidation)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tt.field, tt.rule), "fields: %+v", ve.Fields)
		})
	}

	t.Run("zero value lists every field", func(t *testing.T) {
		var ve *ValidationError
		require.ErrorAs(t, Argon2Params{}.Validate(), &ve)
		for _, f := range []string{"memory", "iterations", "parallelism", "salt_length", "key_length"} {
			assert.True(t, ve.Has(f, "too_small"), f)
		}
	})
}

func TestNewPasswordHasher(t *testing.T) {
	h, err := NewPasswordHasher(Argon2Params{})
	require.NoError(t, err)
	assert.Equal(t, DefaultArgon2Params, h.Params(), "zero params mean the defaults")

	h, err = NewPasswordHasher(Argon2Params{Memory: 64 * 1024})
	require.NoError(t, err)
	want := DefaultArgon2Params
	want.Memory = 64 * 1024
	assert.Equal(t, want, h.Params(), "zero fields take their default")

	_, err = NewPasswordHasher(Argon2Params{Iterations: 1000})
	require.ErrorIs(t, err, ErrValidation)
}

func TestZeroPasswordHasher(t *testing.T) {
	var h PasswordHasher
	_, err := h.Hash("correct horse battery staple")
	require.Error(t, err)
	ok, rehash, err := h.Verify("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "x")
	require.Error(t, err)
	assert.False(t, ok)
	assert.False(t, rehash)
	assert.NotPanics(t, func() { h.DummyVerify("x") })
}

func TestHashVerifyRoundTrip(t *testing.T) {
	h := newTestHasher(t, testArgon2Params)
	for _, pw := range []string{"correct horse battery staple", "", "pässwörd ✓ 日本語", strings.Repeat("x", 1000), "nul\x00byte"} {
		enc, err := h.Hash(pw)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$"), enc)

		ok, rehash, err := h.Verify(enc, pw)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.False(t, rehash)

		ok, rehash, err = h.Verify(enc, pw+"!")
		require.NoError(t, err)
		assert.False(t, ok, "wrong password must not verify")
		assert.False(t, rehash, "needsRehash is false for a wrong password")
	}
}

func TestHashFormatAndSalt(t *testing.T) {
	h := newTestHasher(t, DefaultArgon2Params)
	enc1, err := h.Hash("same password")
	require.NoError(t, err)
	enc2, err := h.Hash("same password")
	require.NoError(t, err)
	assert.NotEqual(t, enc1, enc2, "each hash gets a fresh salt")

	parts := strings.Split(enc1, "$")
	require.Len(t, parts, 6)
	assert.Equal(t, []string{"", "argon2id", "v=19", "m=19456,t=2,p=1"}, parts[:4])
	assert.Len(t, parts[4], 22, "16-byte salt in unpadded base64")
	assert.Len(t, parts[5], 43, "32-byte key in unpadded base64")
	assert.NotContains(t, enc1, "same password")
}

// TestHashKnownSalt pins the encoding: a known salt appears as its unpadded
// base64, and a hash made by one hasher verifies with another.
func TestHashKnownSalt(t *testing.T) {
	h := newTestHasher(t, testArgon2Params)
	h.rand = bytes.NewReader(bytes.Repeat([]byte{0x01}, 16))
	enc, err := h.Hash("password")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$AQEBAQEBAQEBAQEBAQEBAQ$"), enc)
	again := newTestHasher(t, testArgon2Params)
	ok, _, err := again.Verify(enc, "password")
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestHashRandomFailure(t *testing.T) {
	h := newTestHasher(t, testArgon2Params)
	h.rand = bytes.NewReader(nil)
	_, err := h.Hash("s3cr3t-test-pw")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
}

func TestVerifyNeedsRehash(t *testing.T) {
	old := newTestHasher(t, testArgon2Params)
	enc, err := old.Hash("correct horse battery staple")
	require.NoError(t, err)

	change := []struct {
		name string
		edit func(*Argon2Params)
	}{
		{"memory raised", func(p *Argon2Params) { p.Memory = 128 }},
		{"iterations raised", func(p *Argon2Params) { p.Iterations = 2 }},
		{"parallelism changed", func(p *Argon2Params) { p.Parallelism = 2 }},
		{"salt longer", func(p *Argon2Params) { p.SaltLength = 32 }},
		{"key longer", func(p *Argon2Params) { p.KeyLength = 64 }},
		{"memory lowered", func(p *Argon2Params) { p.Memory = 32 }},
		{"key shorter", func(p *Argon2Params) { p.KeyLength = 16 }},
	}
	for _, tt := range change {
		t.Run(tt.name, func(t *testing.T) {
			p := testArgon2Params
			tt.edit(&p)
			h := newTestHasher(t, p)
			ok, rehash, err := h.Verify(enc, "correct horse battery staple")
			require.NoError(t, err)
			assert.True(t, ok, "old hashes still verify")
			assert.True(t, rehash)

			// Re-hashing with the new hasher converges.
			enc2, err := h.Hash("correct horse battery staple")
			require.NoError(t, err)
			ok, rehash, err = h.Verify(enc2, "correct horse battery staple")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.False(t, rehash)
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	const testPW = "s3cr3t-test-pw"
	h := newTestHasher(t, testArgon2Params)
	good, err := h.Hash(testPW)
	require.NoError(t, err)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	with := func(alg, ver, params string) string {
		return "$" + alg + "$" + ver + "$" + params + "$" + salt + "$" + key
	}

	tests := []struct{ name, enc string }{
		{"empty", ""},
		{"plain text", "password"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", with("argon2i", "v=19", "m=64,t=1,p=1")},
		{"argon2d", with("argon2d", "v=19", "m=64,t=1,p=1")},
		{"upper-case algorithm", with("ARGON2ID", "v=19", "m=64,t=1,p=1")},
		{"version 16", with("argon2id", "v=16", "m=64,t=1,p=1")},
		{"version missing", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"version with leading zero", with("argon2id", "v=019", "m=64,t=1,p=1")},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"missing key after dollar", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"extra field", good + "$extra"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"params out of order", with("argon2id", "v=19", "t=1,m=64,p=1")},
		{"params missing p", with("argon2id", "v=19", "m=64,t=1")},
		{"extra param", with("argon2id", "v=19", "m=64,t=1,p=1,keyid=x")},
		{"negative memory", with("argon2id", "v=19", "m=-64,t=1,p=1")},
		{"plus sign", with("argon2id", "v=19", "m=+64,t=1,p=1")},
		{"leading zero", with("argon2id", "v=19", "m=064,t=1,p=1")},
		{"space", with("argon2id", "v=19", "m= 64,t=1,p=1")},
		{"hex memory", with("argon2id", "v=19", "m=0x40,t=1,p=1")},
		{"memory overflows 32 bits", with("argon2id", "v=19", "m=4294967296,t=1,p=1")},
		{"absurd memory", with("argon2id", "v=19", "m=4294967295,t=1,p=1")},
		{"memory just above 4 GiB", with("argon2id", "v=19", "m=4194305,t=1,p=1")},
		{"absurd iterations", with("argon2id", "v=19", "m=64,t=4294967295,p=1")},
		{"zero iterations", with("argon2id", "v=19", "m=64,t=0,p=1")},
		{"zero parallelism", with("argon2id", "v=19", "m=64,t=1,p=0")},
		{"parallelism above uint8", with("argon2id", "v=19", "m=4096,t=1,p=256")},
		{"absurd parallelism", with("argon2id", "v=19", "m=4096,t=1,p=255")},
		{"memory below 8 KiB per lane", with("argon2id", "v=19", "m=15,t=1,p=2")},
		{"bad base64 salt", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"bad base64 key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$%%%%"},
		{"padded base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"url base64", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("_", 22) + "$" + key},
		{"newline in key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:10] + "\n" + key[10:]},
		{"non-canonical trailing bits", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:21] + "B$" + key},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAA$" + key},
		{"key too short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAAAAAAAAAAAAAAAAAA"},
		{"huge input", good + strings.Repeat("A", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgon2Hash(tt.enc)
			require.ErrorIs(t, err, ErrMalformedHash)

			ok, rehash, err := h.Verify(tt.enc, testPW)
			require.ErrorIs(t, err, ErrMalformedHash)
			assert.False(t, ok)
			assert.False(t, rehash)
			assert.NotContains(t, err.Error(), testPW)
			assert.NotContains(t, err.Error(), salt)
		})
	}

	// The control case is accepted, so the table tests what it says.
	ok, _, err := h.Verify(with("argon2id", "v=19", "m=64,t=1,p=1"), testPW)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestParseArgon2HashReencodes(t *testing.T) {
	h := newTestHasher(t, Argon2Params{Memory: 256, Iterations: 3, Parallelism: 2, SaltLength: 8, KeyLength: 16})
	enc, err := h.Hash("x")
	require.NoError(t, err)
	a, err := parseArgon2Hash(enc)
	require.NoError(t, err)
	assert.Equal(t, h.Params(), a.params)
	assert.Equal(t, enc, a.encode())
}

func TestDummyVerify(t *testing.T) {
	h := newTestHasher(t, testArgon2Params)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { h.DummyVerify("whatever") })
	}
	wg.Wait()
	assert.Equal(t, testArgon2Params, h.dummy.params, "dummy uses the current parameters")
	assert.Len(t, h.dummy.salt, int(testArgon2Params.SaltLength))
	assert.Len(t, h.dummy.key, int(testArgon2Params.KeyLength))
	first := h.dummy.encode()
	h.DummyVerify("other")
	assert.Equal(t, first, h.dummy.encode(), "the dummy hash is built once")

	// A failing random source still yields a usable dummy.
	h2 := newTestHasher(t, testArgon2Params)
	h2.rand = bytes.NewReader(nil)
	assert.NotPanics(t, func() { h2.DummyVerify("x") })
}

func TestConcurrentHashVerify(t *testing.T) {
	h := newTestHasher(t, testArgon2Params)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			pw := strings.Repeat("p", i+1)
			enc, err := h.Hash(pw)
			if err != nil {
				errs <- err
				return
			}
			if ok, _, err := h.Verify(enc, pw); err != nil || !ok {
				errs <- errors.Join(errors.New("verify failed"), err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
