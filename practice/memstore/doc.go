// Package memstore is the in-memory practice.Store: the embedded default,
// used by examples and tests. It is safe for concurrent use (one mutex) and
// deep-copies every record on the way in and out, so callers never share
// state with it. Data lives only as long as the process.
//
// Each tenant's pratiche are kept in B-trees (github.com/google/btree) by
// submission time, last status change and ID, for the whole tenant and per
// service, office, assignee and (service, assignee) pair, plus a text
// index of the suffixes of practice.SearchText that start a word: a
// listing page walks the narrowest tree its filter names from its cursor
// and costs O(log n + page); a text query reads its matches. Export reads
// 512 rows at a time under the lock, each batch starting after the
// previous one.
package memstore
