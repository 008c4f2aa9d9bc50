package practice

import "testing"

var sinkStatus Status

// BenchmarkNext measures the pure transition check (target: under 50 ns,
// no allocation).
func BenchmarkNext(b *testing.B) {
	f := (&Service{Workflow: WorkflowApproval, Payment: PaymentDeferred, ProtocolRequired: true}).Facts()
	b.ReportAllocs()
	for b.Loop() {
		s, ok := Next(StatusPendingAfterIntegration, ActionAccept, f|FactAmountDue)
		if !ok {
			b.Fatal("refused")
		}
		sinkStatus = s
	}
}

// BenchmarkAllowed measures the check of a chosen target (manual status
// change, the longest list of the table).
func BenchmarkAllowed(b *testing.B) {
	f := (&Service{Workflow: WorkflowApproval, AllowStatusChange: true}).Facts()
	b.ReportAllocs()
	for b.Loop() {
		if !Allowed(StatusCancelledWaitingDocument, ActionChangeStatus, StatusRevoked, f) {
			b.Fatal("refused")
		}
	}
}

func TestNextDoesNotAllocate(t *testing.T) {
	f := (&Service{Workflow: WorkflowApproval, ProtocolRequired: true}).Facts()
	allocs := testing.AllocsPerRun(100, func() {
		sinkStatus, _ = Next(StatusPending, ActionReject, f)
	})
	if allocs != 0 {
		t.Fatalf("Next allocates %v times", allocs)
	}
}
