package ticket

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite LIFECYCLE.md from Diagram")

const diagramHeader = "# Request lifecycle\n\nGenerated from `Transitions()` by `go test ./ticket -run TestLifecycleDiagramIsCurrent -update`; do not edit.\n\n```mermaid\n"

func TestLifecycleDiagramIsCurrent(t *testing.T) {
	want := diagramHeader + Diagram() + "```\n"
	if *update {
		if err := os.WriteFile("LIFECYCLE.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("LIFECYCLE.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("LIFECYCLE.md is stale: run go test ./ticket -run TestLifecycleDiagramIsCurrent -update")
	}
	if n := strings.Count(Diagram(), " --> "); n != len(Transitions())+2 {
		t.Errorf("diagram has %d arrows", n)
	}
}
