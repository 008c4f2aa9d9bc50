// Package calendartest checks that a calendar.Store behaves as the Desk
// relies on: round trips of every field, tenant isolation, unique titles
// (also under 50 concurrent creates across stores sharing one database),
// version conflicts on calendars and opening hours, schedule changes that
// move the calendar's version, closures by range, and text that the Desk
// refuses before any store sees it. Every adapter's test calls Run:
//
//	func TestConformance(t *testing.T) { calendartest.Run(t, newHarness) }
package calendartest
