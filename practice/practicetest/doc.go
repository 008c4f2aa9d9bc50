// Package practicetest is the conformance kit for practice.Store
// implementations: Run checks every behaviour the practice.Store contract
// documents and the practice.Desk relies on — the round trip of every field,
// idempotent creation, optimistic concurrency (two operators accepting and
// rejecting one pratica at once: one wins, the other gets
// practice.ErrConflict), the atomic write of status, history, messages and
// outbox notifications, tenant isolation, citizen and back-office listings
// with keyset pagination (the back office's summaries in every sort order,
// with ties and zero times, filtered by submission and last-change
// ranges, service, office, statuses, assignment and text), the export
// stream (the listing's rows and order, with form values), bulk import
// (idempotent per ID, whole pratiche), statistics (as StatsBuilder
// computes them), and the outbox: claims in write order, exclusive while
// their lease runs (many claimers over two stores at once each get
// different notifications), claimable again when the lease ends, removed by
// an acknowledgement, per tenant. Every adapter's tests call it:
//
//	func TestConformance(t *testing.T) { practicetest.Run(t, newHarness) }
//
// Generate, BenchFilter and BenchSizes give adapters' benchmarks and plan
// tests a generated back office to measure (SPORTELLO_BENCH_ROWS adds a
// size, e.g. a million rows); RawCSV and HeapWatch are the yardsticks of
// the export benchmarks.
//
// A harness returns n stores over one fresh data set, standing for n
// application instances that share a database, so that the concurrency
// checks run across processes as well as goroutines.
package practicetest
