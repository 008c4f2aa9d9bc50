// Package authtest is the conformance kit for auth.Store implementations:
// Run checks every behaviour the auth.Desk relies on, concurrency and
// tenant isolation included. Every adapter's tests call it:
//
//	func TestConformance(t *testing.T) { authtest.Run(t, newHarness) }
package authtest
