package practice

import (
	"fmt"
	"slices"
	"strings"
)

// conditionLabel words a transition's conditions, e.g.
// "protocol, not amount_due"; empty when unconditional.
func conditionLabel(t Transition) string {
	parts := t.When.Names()
	if t.Any != 0 {
		parts = append(parts, strings.Join(t.Any.Names(), " or "))
	}
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

// Diagram returns the lifecycle as a Mermaid state diagram,
// generated from Transitions(): one state per status (code and Italian
// label), one arrow per transition that changes the status, labelled with
// the action and its conditions. The manual status change, allowed from
// every status but the draft, is drawn from one "any status" node (its
// one move from a single status, 4300→4500, from that status).
func Diagram() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range Statuses() {
		fmt.Fprintf(&b, "    %s : %d %s\n", stateID(s), int(s), s.Label("it"))
	}
	b.WriteString("    state \"any status except 1000\" as any\n")
	manual := map[Status]bool{}
	for _, t := range transitions {
		if t.From == t.To {
			continue
		}
		label := t.Action.String()
		if c := conditionLabel(t); c != "" {
			label += " [" + c + "]"
		}
		if t.Action == ActionChangeStatus && slices.Contains(manualTargets[:], t.To) {
			if manual[t.To] {
				continue
			}
			manual[t.To] = true
			fmt.Fprintf(&b, "    any --> %s : %s\n", stateID(t.To), label)
			continue
		}
		fmt.Fprintf(&b, "    %s --> %s : %s\n", stateID(t.From), stateID(t.To), label)
	}
	return b.String()
}
