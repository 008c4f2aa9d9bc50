// Package memstore is the in-memory appointment.Store: the embedded
// default, used by examples and tests. One mutex guards everything, so a
// Book or Move checks every capacity limit and writes in one step; it is
// safe for concurrent use within one process. Data lives as long as the
// Store.
package memstore
