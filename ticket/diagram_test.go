package ticket

import (
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/golden"
)

const diagramHeader = "# Request lifecycle\n\nGenerated from `Transitions()` by `go test ./ticket -run TestLifecycleDiagramIsCurrent -update`; do not edit.\n\n```mermaid\n"

func TestLifecycleDiagramIsCurrent(t *testing.T) {
	golden.Check(t, "LIFECYCLE.md", []byte(diagramHeader+Diagram()+"```\n"))
	if n := strings.Count(Diagram(), " --> "); n != len(Transitions())+2 {
		t.Errorf("diagram has %d arrows", n)
	}
}
