package payment

import (
	"fmt"
	"strings"
)

// Diagram returns the lifecycle as a Mermaid state diagram, generated from
// Transitions(): one state per status (name and Italian label), the two
// ways a record is created (in creation_pending by Desk.Create, complete
// at once by Desk.RegisterManual and Desk.RegisterStamp), and one arrow per
// transition, labelled with its step. LIFECYCLE.md beside the package
// holds it.
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range Statuses() {
		fmt.Fprintf(&b, "    %s : %s (%s)\n", s, s, s.Label("it"))
	}
	fmt.Fprintf(&b, "    [*] --> %s : create\n", StatusCreationPending)
	fmt.Fprintf(&b, "    [*] --> %s : register manual or stamp\n", StatusComplete)
	for _, t := range transitions {
		fmt.Fprintf(&b, "    %s --> %s : %s\n", t.From, t.To, t.Step)
	}
	return b.String()
}
