package ticket

// Impact is how widely a request's problem is felt.
type Impact string

// The impacts of the priority matrix.
const (
	ImpactDepartment Impact = "department"
	ImpactService    Impact = "service"
	ImpactPerson     Impact = "person"
)

// Urgency is how soon the problem must be dealt with.
type Urgency string

// The urgencies of the priority matrix.
const (
	UrgencyCritical Urgency = "critical"
	UrgencyHigh     Urgency = "high"
	UrgencyMedium   Urgency = "medium"
	UrgencyLow      Urgency = "low"
)

// Priority is 1 (highest) to 4 (lowest), computed by PriorityOf.
type Priority int

// priorityMatrix is the service-management tool's impact × urgency table.
var priorityMatrix = map[Impact]map[Urgency]Priority{
	ImpactDepartment: {UrgencyCritical: 1, UrgencyHigh: 1, UrgencyMedium: 2, UrgencyLow: 4},
	ImpactService:    {UrgencyCritical: 1, UrgencyHigh: 2, UrgencyMedium: 3, UrgencyLow: 4},
	ImpactPerson:     {UrgencyCritical: 2, UrgencyHigh: 3, UrgencyMedium: 3, UrgencyLow: 4},
}

// PriorityOf returns the priority (1 highest .. 4 lowest) the matrix gives
// impact and urgency, and false when either is unknown. Pure.
func PriorityOf(impact Impact, urgency Urgency) (Priority, bool) {
	p, ok := priorityMatrix[impact][urgency]
	return p, ok
}
