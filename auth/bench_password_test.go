package auth

import (
	"testing"
)

// BenchmarkVerifyPassword measures one login verification with
// DefaultArgon2Params: the CPU time and memory each password login costs.
func BenchmarkVerifyPassword(b *testing.B) {
	h := newTestHasher(b, DefaultArgon2Params)
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ok, _, err := h.Verify(enc, "correct horse battery staple")
		if err != nil || !ok {
			b.Fatalf("verify: ok=%v err=%v", ok, err)
		}
	}
}

// BenchmarkHashPassword measures hashing a new password with
// DefaultArgon2Params (registration, password change, rehash on login).
func BenchmarkHashPassword(b *testing.B) {
	h := newTestHasher(b, DefaultArgon2Params)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPasswordPolicyCheck measures the default policy (no zxcvbn
// estimate) on an acceptable password; the common-password set is built
// before the timer starts.
func BenchmarkPasswordPolicyCheck(b *testing.B) {
	var p PasswordPolicy
	if err := p.Check("volpe arancione mangia 7 biscotti", "mrossi", "mario.rossi@example.it"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Check("volpe arancione mangia 7 biscotti", "mrossi", "mario.rossi@example.it"); err != nil {
			b.Fatal(err)
		}
	}
}
