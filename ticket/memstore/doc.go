// Package memstore is the in-memory ticket.Store and ticket.BlobStore: the
// embedded default, used by examples and tests. It is safe for concurrent
// use (one mutex, so a request write and its outbox notes land together,
// and an outbox claim leases its notes before any other claim looks)
// and keeps deep copies, so callers never share state with
// it. Data lives as long as the process.
//
// Listings walk each tenant's request IDs in order from the cursor. The
// SLA sweep's listing (a Filter with SLADueBy) instead walks an ordered
// index of the requests' next SLA events (Request.NextSLAEvent), kept
// with every create and update under the same lock: it reads only the
// due requests, however many open requests are not due yet.
package memstore
