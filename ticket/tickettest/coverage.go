package tickettest

import (
	"reflect"
	"testing"
	"time"
)

// assertCovered fails unless every field of the samples' struct type
// (recursively: nested structs, slice elements, map values) is non-zero in
// at least one sample. The round-trip tests call it on the records they
// store, so that a field added to a record type later makes the kit fail
// until its sample data, and so every adapter's check, covers the field.
func assertCovered(t *testing.T, name string, samples ...any) {
	t.Helper()
	vals := make([]reflect.Value, len(samples))
	for i, s := range samples {
		vals[i] = reflect.Indirect(reflect.ValueOf(s))
	}
	for _, missing := range uncovered(name, vals) {
		t.Errorf("kit data leaves %s zero: the round trip does not check it", missing)
	}
}

var timeType = reflect.TypeFor[time.Time]()

func uncovered(path string, vals []reflect.Value) []string {
	if len(vals) == 0 {
		return []string{path}
	}
	typ := vals[0].Type()
	switch {
	case typ.Kind() == reflect.Struct && typ != timeType:
		var out []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			var fields []reflect.Value
			for _, v := range vals {
				fields = append(fields, v.Field(i))
			}
			out = append(out, uncovered(path+"."+f.Name, fields)...)
		}
		return out
	case typ.Kind() == reflect.Slice:
		var elems []reflect.Value
		for _, v := range vals {
			for j := range v.Len() {
				elems = append(elems, v.Index(j))
			}
		}
		return uncovered(path+"[]", elems)
	case typ.Kind() == reflect.Map:
		var elems []reflect.Value
		for _, v := range vals {
			iter := v.MapRange()
			for iter.Next() {
				elems = append(elems, iter.Value())
			}
		}
		return uncovered(path+"{}", elems)
	}
	for _, v := range vals {
		if !v.IsZero() {
			return nil
		}
	}
	return []string{path}
}
