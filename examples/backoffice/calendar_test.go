package main

// calendarPagesForTests are the calendar pages the accessibility test
// checks.
func calendarPagesForTests(*client) []string { return nil }

// calendarSteps books an appointment and downloads its .ics, once the
// calendar pages exist.
func (b *browserRun) calendarSteps(string) {}
