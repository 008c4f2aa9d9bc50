// Package pgstore is the PostgreSQL appointment.Store (pgx v5). Its
// schema migrations are embedded and applied by New, safely from many
// processes at once.
//
// # Capacity
//
// Book and Move decide capacity in one transaction: they first upsert a
// lock row for the booking's local day on its calendar (and, when a
// citizen limit or the no-overlap rule applies, one for the citizen on
// that calendar), which takes that row's lock until commit; then they
// count the places held and write only if every limit allows it. Two
// decisions about the same day or citizen therefore queue behind each
// other across connections and processes, while other days proceed in
// parallel. Lock rows are always taken day first, citizen second, so two
// transactions never wait for each other in a cycle. There are no
// advisory locks; serialization failures and deadlocks are retried
// (internal/pgtx). The lock rows, the counts and the guarded write go to
// the server in one round trip: one pipelined batch, which PostgreSQL runs
// as one implicit transaction (or, when the write carries notifications,
// inside an explicit one, so that no notification outlives a refused
// write).
//
// Overlapping slots of a calendar are assumed to start on the same local
// day (opening hours never cross midnight).
package pgstore
