package ticket

import "strings"

// Diagram returns the lifecycle as a Mermaid state diagram, one arrow per
// move of Transitions. LIFECYCLE.md beside the package holds its output
// (kept current by a test).
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    [*] --> new\n")
	for _, t := range transitions {
		b.WriteString("    " + string(t.From) + " --> " + string(t.To) + ": " + string(t.Stimulus) + "\n")
	}
	b.WriteString("    closed --> [*]\n")
	return b.String()
}
