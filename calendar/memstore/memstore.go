package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/calendar"
)

// Store is an in-memory calendar.Store.
type Store struct {
	mu        sync.Mutex
	calendars map[key]*calendar.Calendar
	titles    map[titleKey]calendar.ID
	hours     map[key][]*calendar.OpeningHour
	closures  map[key][]calendar.Closure
}

type key struct {
	tenant string
	id     calendar.ID
}

type titleKey struct{ tenant, title string }

var _ calendar.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		calendars: map[key]*calendar.Calendar{},
		titles:    map[titleKey]calendar.ID{},
		hours:     map[key][]*calendar.OpeningHour{},
		closures:  map[key][]calendar.Closure{},
	}
}

func (s *Store) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	return nil
}

// CreateCalendar implements calendar.Store.
func (s *Store) CreateCalendar(ctx context.Context, c *calendar.Calendar) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	k := key{c.Tenant, c.ID}
	if _, ok := s.calendars[k]; ok {
		return &calendar.ConflictError{Field: "id"}
	}
	tk := titleKey{c.Tenant, calendar.TitleKey(c.Title)}
	if _, ok := s.titles[tk]; ok {
		return &calendar.ConflictError{Field: "title"}
	}
	c.Version = 1
	s.calendars[k] = c.Clone()
	s.titles[tk] = c.ID
	return nil
}

// GetCalendar implements calendar.Store.
func (s *Store) GetCalendar(ctx context.Context, tenant string, id calendar.ID) (*calendar.Calendar, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	c, ok := s.calendars[key{tenant, id}]
	if !ok {
		return nil, calendar.ErrNotFound
	}
	return c.Clone(), nil
}

// current returns the stored calendar c stands for, checking its version.
func (s *Store) current(c *calendar.Calendar, conflict string) (*calendar.Calendar, error) {
	old, ok := s.calendars[key{c.Tenant, c.ID}]
	if !ok {
		return nil, calendar.ErrNotFound
	}
	if old.Version != c.Version {
		return nil, &calendar.ConflictError{Field: conflict}
	}
	return old, nil
}

// UpdateCalendar implements calendar.Store.
func (s *Store) UpdateCalendar(ctx context.Context, c *calendar.Calendar) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	old, err := s.current(c, "version")
	if err != nil {
		return err
	}
	oldKey, newKey := titleKey{c.Tenant, calendar.TitleKey(old.Title)}, titleKey{c.Tenant, calendar.TitleKey(c.Title)}
	if id, ok := s.titles[newKey]; ok && id != c.ID {
		return &calendar.ConflictError{Field: "title"}
	}
	delete(s.titles, oldKey)
	s.titles[newKey] = c.ID
	n := c.Clone()
	n.Version = c.Version + 1
	n.Created = old.Created
	s.calendars[key{c.Tenant, c.ID}] = n
	c.Version = n.Version
	return nil
}

// DeleteCalendar implements calendar.Store.
func (s *Store) DeleteCalendar(ctx context.Context, tenant string, id calendar.ID, version int64) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	k := key{tenant, id}
	old, ok := s.calendars[k]
	if !ok {
		return calendar.ErrNotFound
	}
	if old.Version != version {
		return &calendar.ConflictError{Field: "version"}
	}
	delete(s.calendars, k)
	delete(s.titles, titleKey{tenant, calendar.TitleKey(old.Title)})
	delete(s.hours, k)
	delete(s.closures, k)
	return nil
}

// ListCalendars implements calendar.Store.
func (s *Store) ListCalendars(ctx context.Context, tenant string, f calendar.CalendarFilter, after calendar.ID, limit int) ([]*calendar.Calendar, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*calendar.Calendar
	for k, c := range s.calendars {
		if k.tenant == tenant && c.ID > after && f.Match(c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *calendar.Calendar) int { return cmp.Compare(a.ID, b.ID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	for i, c := range out {
		out[i] = c.Clone()
	}
	return out, nil
}

// OpeningHours implements calendar.Store.
func (s *Store) OpeningHours(ctx context.Context, tenant string, id calendar.ID) ([]*calendar.OpeningHour, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	k := key{tenant, id}
	if _, ok := s.calendars[k]; !ok {
		return nil, calendar.ErrNotFound
	}
	out := make([]*calendar.OpeningHour, 0, len(s.hours[k]))
	for _, h := range s.hours[k] {
		out = append(out, h.Clone())
	}
	return out, nil
}

// Closures implements calendar.Store.
func (s *Store) Closures(ctx context.Context, tenant string, id calendar.ID, from, to time.Time) ([]calendar.Closure, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	k := key{tenant, id}
	if _, ok := s.calendars[k]; !ok {
		return nil, calendar.ErrNotFound
	}
	out := []calendar.Closure{}
	for _, c := range s.closures[k] {
		if (to.IsZero() || c.From.Before(to)) && (from.IsZero() || c.To.After(from)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// bump records a schedule change of c: its version moves on.
func (s *Store) bump(c, stored *calendar.Calendar) {
	n := stored.Clone()
	n.Version++
	n.Updated = c.Updated
	s.calendars[key{c.Tenant, c.ID}] = n
	c.Version = n.Version
}

// SaveOpeningHour implements calendar.Store.
func (s *Store) SaveOpeningHour(ctx context.Context, c *calendar.Calendar, h *calendar.OpeningHour) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	stored, err := s.current(c, "calendar")
	if err != nil {
		return err
	}
	k := key{c.Tenant, c.ID}
	hours := s.hours[k]
	i := slices.IndexFunc(hours, func(o *calendar.OpeningHour) bool { return o.ID == h.ID })
	n := h.Clone()
	n.Calendar, n.Tenant = c.ID, c.Tenant
	switch {
	case h.Version == 0 && i >= 0:
		return &calendar.ConflictError{Field: "id"}
	case h.Version == 0:
		n.Version = 1
		hours = append(hours, n)
		slices.SortFunc(hours, func(a, b *calendar.OpeningHour) int { return cmp.Compare(a.ID, b.ID) })
	case i < 0:
		return calendar.ErrNotFound
	case hours[i].Version != h.Version:
		return &calendar.ConflictError{Field: "version"}
	default:
		n.Version = h.Version + 1
		n.Created = hours[i].Created
		hours = slices.Clone(hours)
		hours[i] = n
	}
	s.hours[k] = hours
	h.Version = n.Version
	s.bump(c, stored)
	return nil
}

// DeleteOpeningHour implements calendar.Store.
func (s *Store) DeleteOpeningHour(ctx context.Context, c *calendar.Calendar, hourID string, version int64) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	stored, err := s.current(c, "calendar")
	if err != nil {
		return err
	}
	k := key{c.Tenant, c.ID}
	hours := s.hours[k]
	i := slices.IndexFunc(hours, func(o *calendar.OpeningHour) bool { return o.ID == hourID })
	if i < 0 {
		return calendar.ErrNotFound
	}
	if hours[i].Version != version {
		return &calendar.ConflictError{Field: "version"}
	}
	s.hours[k] = slices.Delete(slices.Clone(hours), i, i+1)
	s.bump(c, stored)
	return nil
}

// ChangeClosures implements calendar.Store.
func (s *Store) ChangeClosures(ctx context.Context, c *calendar.Calendar, add []calendar.Closure, remove []string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	stored, err := s.current(c, "calendar")
	if err != nil {
		return err
	}
	k := key{c.Tenant, c.ID}
	all := slices.Clone(s.closures[k])
	for _, id := range remove {
		i := slices.IndexFunc(all, func(o calendar.Closure) bool { return o.ID == id })
		if i < 0 {
			return calendar.ErrNotFound
		}
		all = slices.Delete(all, i, i+1)
	}
	for _, cl := range add {
		if slices.ContainsFunc(all, func(o calendar.Closure) bool { return o.ID == cl.ID }) {
			return &calendar.ConflictError{Field: "id"}
		}
		cl.Calendar, cl.Tenant = c.ID, c.Tenant
		all = append(all, cl)
	}
	slices.SortFunc(all, func(a, b calendar.Closure) int {
		return cmp.Or(a.From.Compare(b.From), cmp.Compare(a.ID, b.ID))
	})
	s.closures[k] = all
	s.bump(c, stored)
	return nil
}
