// Package pgtest helps the tests of sportello's PostgreSQL adapters.
//
// The tests find the server through the environment variable SPORTELLO_PG_URL, a
// postgres:// URL such as
//
//	postgres://postgres@127.0.0.1:55432/sportello?sslmode=disable
//
// When the variable is empty, every helper skips the calling test with a message, so
// `go test ./...` passes on a machine without PostgreSQL. The CI script .ci/run starts a
// throwaway cluster with .ci/postgres.sh and sets the variable, so in CI they always run:
//
//	eval "$(.ci/postgres.sh start)"
//	go test ./...
//	.ci/postgres.sh stop "$SPORTELLO_PG_DIR"
//
// Each test gets a database of its own, created on the server with a random name and
// dropped when the test ends, so tests may run in parallel, in one package or in many,
// without seeing each other's rows. [NewPools] gives several connection pools on one such
// database: two pools stand for two application instances sharing PostgreSQL.
//
// The helpers report every problem through t.Fatal (or t.Error during cleanup) and never
// panic; their messages never contain the password of the URL.
package pgtest
