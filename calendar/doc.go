// Package calendar models the office calendars on which citizens book
// appointments: their configuration, opening hours as RFC 5545 recurrence
// rules, closures and holidays, booking limits, and the availability
// engine that turns all of it into slots.
//
// # Calendars, opening hours, closures
//
// A Calendar states how citizens may book (fixed or variable slots,
// rolling days, minimum notice, moderation, limits). An OpeningHour says
// on which dates (an RRULE such as "FREQ=WEEKLY;BYDAY=MO,TU" or "the
// first Monday of the month", between ValidFrom and ValidTo) and at which
// local clock times (Begin to End) the office receives, in slots of
// MeetingMinutes each serving Queue citizens at once. Two opening hours of
// one calendar that share a date and a time are refused, and an opening
// hour's slot length is locked while future bookings use it (asked
// through BookingCounter, which the appointment wing implements). A
// Closure is a period without slots, given as instants or whole local
// days; ItalianHolidays lists Italy's national holidays (Easter Monday
// computed) plus the host's patron saint's day, and ParseBusy (Desk.ImportBusy)
// turns an external iCalendar agenda into closures.
//
// Holidays that recur by themselves are a calendar setting, not stored
// closures: with Calendar.ItalianHolidays set, and for each YearlyDay in
// Calendar.PatronDays (month, day and a name, e.g. 29 June "Santi Pietro
// e Paolo"), Availability, FindSlot and DaySummary close the whole local
// day in the calendar's zone in every year their window touches,
// computing each year's dates (Easter Monday from Easter) with no store
// I/O; Calendar.HolidaysOf lists them for one year. A patron day on 29
// February closes in leap years only. Desk.AddHolidays remains for a host
// that wants one year's holidays as closures it can then edit.
//
// # Availability
//
// Availability, FindSlot and DaySummary are pure functions of a Query:
// no I/O, no clock. Fixed slots start at Begin and follow each other every
// MeetingMinutes + IntervalMinutes, each ending by End; variable slots
// start on every 5-minute mark of the local clock. A slot is offered when
// it starts no earlier than now plus the minimum notice, on a local day no
// later than today plus the rolling days, and shares no instant with a
// closure (a slot that ends exactly when a closure begins is kept). Its
// Remaining is the queue minus the places held that overlap it, 0 when the
// calendar's day limit is reached; full slots are returned so that a month
// view can show them. Rules are expanded from near the window, not from
// their first date, so a rule valid for ten years costs what a new one
// does; a rule that would never yield a date is refused when it is read.
//
// # Time zones and summer time
//
// Opening hours are wall-clock times in the calendar's IANA zone
// (Europe/Rome by default) and every date is placed on the time line with
// that date's own UTC offset, so a slot at 08:30 is 07:30Z in winter and
// 06:30Z in summer. On the nights the clocks change:
//
//   - Local times that do not exist (02:00 to 03:00 on the last Sunday of
//     March in Rome, when clocks jump from 02:00 to 03:00) offer no slot: a
//     slot never starts in the gap. A slot lasts its real MeetingMinutes,
//     so one starting at 01:30 ends at 03:00 on the clock; an End inside
//     the gap means the moment the clock jumps.
//   - Local times that happen twice (02:00 to 03:00 on the last Sunday of
//     October, when clocks go back from 03:00 to 02:00) are taken once, at
//     their first occurrence (still in summer time). A slot at 02:30 is
//     offered once, lasts 30 real minutes and ends when the clock shows
//     02:00 for the second time; the repeated hour offers nothing more.
//
// Whole-day closures follow the same clock: a closed last Sunday of March
// lasts 23 hours, a closed last Sunday of October 25. Instants are UTC
// and the Desk truncates them to microseconds, so every store returns the
// same values.
//
// # Permissions
//
// Authorize is the one permission rule: administrators of the tenant do
// everything; a calendar's owner and moderators configure it; operators
// enabled for it (auth.Principal.CanUseCalendar) read it; citizens read
// only its availability.
//
// # Storage
//
// A Desk keeps calendars in a Store. memstore is the in-memory default;
// pgstore keeps them in PostgreSQL; calendartest.Run checks any other
// implementation. The appointment wing reads calendars through the narrow
// Schedules interface, which *Desk implements.
//
// # Errors worth a retry
//
// Every error a Desk returns matches one of ErrNotFound, ErrConflict,
// ErrValidation, ErrUnavailable, ErrSlotUnavailable or auth.ErrForbidden,
// or is a context error. ErrUnavailable (the storage failed, not the
// caller) may go away by itself: retry with backoff. ErrConflict on the
// "version" field means the calendar changed since it was read: read it
// again and re-apply. The others fail the same way again.
package calendar
