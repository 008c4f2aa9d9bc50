// Package golden compares what a test computes with a golden file kept in
// the repository (a generated LIFECYCLE.md, say), and rewrites the file
// when the test binary runs with -update.
//
// # The -update flag
//
// Importing golden registers a boolean flag named "update" on the test
// binary's command line (flag.CommandLine), so
//
//	go test ./payment -run TestLifecycleDiagram -update
//
// rewrites the golden files the selected tests check and then checks
// them as usual. A test package that imports golden must not register a
// flag of that name itself (the flag package would panic at start-up); a
// helper of its own that needs the flag reads Update. Without -update a
// missing or different file fails the test and the message says how to
// rewrite it; review the rewritten file's diff before committing it.
package golden
