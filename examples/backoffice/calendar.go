package main

import "context"

// calendarWing holds the calendar and appointment Desks once those wings
// are wired in; nil until then.
type calendarWing struct{}

// routes registers the calendar pages.
func (cw *calendarWing) routes(*server) {}

// seed adds the demo calendars and bookings.
func (cw *calendarWing) seed(context.Context, *seeder) error { return nil }

func calendarNotFound(error) bool    { return false }
func calendarInvalid(error) bool     { return false }
func calendarRefused(error) bool     { return false }
func calendarConflict(error) bool    { return false }
func calendarUnavailable(error) bool { return false }

// calendarSelftestPaths are the calendar pages the self-test requests.
func calendarSelftestPaths(*seeded) []selftestPath { return nil }
