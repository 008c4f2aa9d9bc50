package calendar

import (
	"math"
	"sync"
	"time"
)

// DefaultZone is the zone of a calendar that names none.
const DefaultZone = "Europe/Rome"

// locations caches loaded zones: time.LoadLocation reads the zone database
// on every call, far too slow for an engine that runs per request.
var locations sync.Map // string -> *time.Location

// loadZone returns the location named zone ("" is DefaultZone).
func loadZone(zone string) (*time.Location, error) {
	if zone == "" {
		zone = DefaultZone
	}
	if l, ok := locations.Load(zone); ok {
		return l.(*time.Location), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		return nil, invalid("zone", "zone", "must be an IANA time zone name")
	}
	locations.Store(zone, loc)
	return loc, nil
}

// zoneSpan is a stretch of time with one UTC offset: [start, end) in Unix
// seconds.
type zoneSpan struct {
	start, end int64
	offset     int64 // seconds east of UTC
}

// zoneMap converts between instants and local wall-clock times of one
// zone within a bounded stretch of time with integer arithmetic, after a
// handful of time.ZoneBounds calls: the engine converts hundreds of slots
// and must not look the zone up for each.
type zoneMap struct {
	spans []zoneSpan
}

// newZoneMap covers [lo, hi) (Unix seconds) in loc.
func newZoneMap(loc *time.Location, lo, hi int64) zoneMap {
	var z zoneMap
	for t := lo; ; {
		tt := time.Unix(t, 0).In(loc)
		_, off := tt.Zone()
		s, e := tt.ZoneBounds()
		span := zoneSpan{start: math.MinInt64, end: math.MaxInt64, offset: int64(off)}
		if !s.IsZero() {
			span.start = s.Unix()
		}
		if !e.IsZero() {
			span.end = e.Unix()
		}
		z.spans = append(z.spans, span)
		if span.end >= hi || span.end <= t {
			return z
		}
		t = span.end
	}
}

// offsetAt returns the UTC offset in force at u.
func (z *zoneMap) offsetAt(u int64) int64 {
	for i := range z.spans {
		if u < z.spans[i].end {
			return z.spans[i].offset
		}
	}
	return z.spans[len(z.spans)-1].offset
}

// localDay returns the local day number (days since 1970-01-01) of u.
func (z *zoneMap) localDay(u int64) int64 { return dayOf(u + z.offsetAt(u)) }

// localMinute returns the local minutes after midnight of u.
func (z *zoneMap) localMinute(u int64) int64 {
	l := u + z.offsetAt(u)
	return (l - floorDiv(l, secondsPerDay)*secondsPerDay) / 60
}

// wall returns the instant at which the local clock shows minute m of day
// (m may be 1440: the next midnight). A time that happens twice (the hour
// repeated when summer time ends) gives its first occurrence; a time that
// does not exist (the hour skipped when summer time starts) gives ok false.
func (z *zoneMap) wall(day, m int64) (u int64, ok bool) {
	l := day*secondsPerDay + m*60
	for i := range z.spans {
		u := l - z.spans[i].offset
		if u >= z.spans[i].start && u < z.spans[i].end {
			return u, true
		}
	}
	return 0, false
}

// bound returns the first instant at which the local clock shows minute m
// of day or later: the time itself (first occurrence) when it exists, the
// moment the clock jumps past it when it falls in a skipped hour.
func (z *zoneMap) bound(day, m int64) int64 {
	if u, ok := z.wall(day, m); ok {
		return u
	}
	l := day*secondsPerDay + m*60
	for i := range z.spans {
		if l-z.spans[i].offset < z.spans[i].start {
			return z.spans[i].start
		}
	}
	return l - z.spans[len(z.spans)-1].offset
}
