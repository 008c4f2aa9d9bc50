package appointment

import (
	"fmt"
	"strings"
)

// conditionLabel words a transition's conditions, e.g. "moderated, not
// started"; empty when unconditional.
func conditionLabel(t Transition) string {
	parts := t.When.Names()
	for _, n := range t.Unless.Names() {
		parts = append(parts, "not "+n)
	}
	return strings.Join(parts, ", ")
}

func stateID(s Status) string {
	if s == StatusNone {
		return "[*]"
	}
	return fmt.Sprintf("s%d", int(s))
}

// Diagram returns the lifecycle as a Mermaid state diagram generated from
// Transitions(): one state per status (code and Italian label), one arrow
// per transition that changes the status, labelled with the action and
// its conditions. Actions that keep the status are listed in LIFECYCLE.md
// beside the diagram.
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range Statuses() {
		fmt.Fprintf(&b, "    %s : %d %s\n", stateID(s), int(s), s.Label("it"))
	}
	for _, t := range transitions {
		if t.From == t.To {
			continue
		}
		label := string(t.Action)
		if c := conditionLabel(t); c != "" {
			label += " [" + c + "]"
		}
		fmt.Fprintf(&b, "    %s --> %s : %s\n", stateID(t.From), stateID(t.To), label)
	}
	return b.String()
}
