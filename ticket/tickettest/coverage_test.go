package tickettest

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

type inner struct {
	N int
	S []string
}

type outer struct {
	A  string
	At time.Time
	In inner
	L  []inner
	M  map[string]inner
}

func TestUncoveredNamesZeroFields(t *testing.T) {
	full := outer{A: "a", At: time.Unix(1, 0), In: inner{N: 1, S: []string{"x"}},
		L: []inner{{N: 1}, {S: []string{"y"}}}, M: map[string]inner{"k": {N: 2, S: []string{"z"}}}}
	assert.Empty(t, uncovered("outer", []reflect.Value{reflect.ValueOf(full)}), "fields covered across slice elements")

	var zero outer
	assert.Equal(t, []string{"outer.A", "outer.At", "outer.In.N", "outer.In.S[]", "outer.L[]", "outer.M{}"},
		uncovered("outer", []reflect.Value{reflect.ValueOf(zero)}))

	part := full
	part.L = []inner{{N: 1}, {N: 2}}
	part.In.S = []string{""}
	assert.Equal(t, []string{"outer.In.S[]", "outer.L[].S[]"}, uncovered("outer", []reflect.Value{reflect.ValueOf(part)}))

	// Two samples cover what each leaves zero.
	a, b := full, full
	a.A, b.At = "", time.Time{}
	assert.Empty(t, uncovered("outer", []reflect.Value{reflect.ValueOf(a), reflect.ValueOf(b)}))
}

func TestFullRequestCoversEveryField(t *testing.T) {
	// Number, Ref and Version are the store's to set.
	k := &kit{}
	r := k.fullRequest("t1")
	r.Number, r.Ref, r.Version = 1, "R-000001", 1
	assertCovered(t, "Request", r)
	v := service("t1", "s")
	v.Version = 1
	assertCovered(t, "Service", v)
}
