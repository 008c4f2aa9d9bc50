// Package pgstore is the PostgreSQL calendar.Store (pgx v5). New applies
// its schema migrations, embedded in the binary, and any number of Stores
// in any number of processes may share one database: unique titles are a
// unique index, versions are checked by guarded UPDATEs, and a change of a
// calendar's opening hours or closures first moves the calendar's version
// in the same transaction, so that concurrent changes of one calendar are
// serialised by its row. No pgx type or driver text leaves the package.
package pgstore
