package ticket

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sportello/sportello/auth"
)

// maxAppendAttempts bounds how many times an append (a log entry, an
// attachment, a contact) is applied to a fresh read of its request. An
// attempt fails only when another write of the same request landed since
// the read, so n writers appending at once all land within n attempts;
// the bound is for a request that keeps changing for other reasons.
const maxAppendAttempts = 100

// appendChange applies an append to r (a fresh read, which who may change
// and which is not closed) and collects its notifications in out. It
// reports whether r changed (false: nothing to save, e.g. a contact
// already present), or the error that refuses it. It must be pure: it
// runs again on a new read when a concurrent write won.
type appendChange func(r *Request, now time.Time, out *noteBatch) (bool, error)

// appendTo applies change to request id and saves it. Appends never fail
// because another write happened: when the version check refuses the
// save, the request is read again, the permission and the closed rule
// checked again, and change applied again, up to maxAppendAttempts times
// with a short random pause between attempts. first, when not nil, is
// the request already read for the first attempt.
func (d *Desk) appendTo(ctx context.Context, who auth.Principal, id string, a Action, first *Request, change appendChange) (*Request, error) {
	r := first
	for attempt := 1; ; attempt++ {
		if r == nil {
			var err error
			if r, err = d.editable(ctx, who, id, a); err != nil {
				return nil, err
			}
		}
		out := d.newOutbox()
		changed, err := change(r, d.now(), out)
		if err != nil {
			return nil, err
		}
		if !changed {
			return d.visible(who, r), nil
		}
		err = d.store.UpdateRequests(ctx, out.list(), r)
		if err == nil {
			return d.visible(who, r), nil
		}
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Field != "version" || attempt == maxAppendAttempts {
			return nil, err
		}
		if err := pause(ctx, attempt); err != nil {
			return nil, err
		}
		r = nil
	}
}

// pause waits a short random time that grows with attempt (up to 10 ms),
// so that rival appenders part ways; an ended context ends it.
func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(rand.N(time.Duration(min(attempt, 10)) * time.Millisecond))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Comment adds an entry to the public log (parties and agents). A comment
// by the requester or a contact notifies the assigned agent (or the team
// when none); one by anyone else notifies the requester and the contacts.
// A concurrent change of the request does not make it fail (see
// appendTo).
func (d *Desk) Comment(ctx context.Context, who auth.Principal, id, text string) (*Request, error) {
	return d.addLog(ctx, who, id, ActionComment, Public, text)
}

// PrivateLog adds an entry to the private log (agents only). A
// concurrent change of the request does not make it fail.
func (d *Desk) PrivateLog(ctx context.Context, who auth.Principal, id, text string) (*Request, error) {
	return d.addLog(ctx, who, id, ActionPrivateLog, Private, text)
}

func (d *Desk) addLog(ctx context.Context, who auth.Principal, id string, a Action, vis Visibility, text string) (*Request, error) {
	var v validationErrors
	checkLong(&v, "text", text, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	return d.appendTo(ctx, who, id, a, nil, func(r *Request, now time.Time, out *noteBatch) (bool, error) {
		r.addLog(vis, who.ID, now, text)
		r.UpdatedAt = now
		if vis == Public {
			if r.IsParty(who.ID) {
				out.add(toOwner(r, NotifyPartyComment, who.ID, now))
			} else {
				out.add(toParties(r, NotifyAgentComment, who.ID, now))
			}
		}
		return true, nil
	})
}

// AddContact gives principal contact the requester's rights on the
// request. Adding a present contact (or the requester) changes nothing.
// A concurrent change of the request does not make it fail.
func (d *Desk) AddContact(ctx context.Context, who auth.Principal, id, contact string) (*Request, error) {
	var v validationErrors
	checkLine(&v, "contact", contact, true, maxID)
	if err := v.err(); err != nil {
		return nil, err
	}
	return d.appendTo(ctx, who, id, ActionAddContact, nil, func(r *Request, now time.Time, _ *noteBatch) (bool, error) {
		if r.IsParty(contact) {
			return false, nil
		}
		if len(r.Contacts) >= maxContacts {
			return false, invalid("contact", "max", "cannot be added: the request has the most contacts allowed")
		}
		r.Contacts = append(r.Contacts, contact)
		r.UpdatedAt = now
		return true, nil
	})
}

// RemoveContact takes contact off the request. Removing an absent contact
// changes nothing; the requester cannot be removed (*ValidationError). A
// concurrent change of the request does not make it fail.
func (d *Desk) RemoveContact(ctx context.Context, who auth.Principal, id, contact string) (*Request, error) {
	return d.appendTo(ctx, who, id, ActionRemoveContact, nil, func(r *Request, now time.Time, _ *noteBatch) (bool, error) {
		if contact == r.RequesterID {
			return false, invalid("contact", "requester", "is the requester, who cannot be removed")
		}
		i := slices.Index(r.Contacts, contact)
		if i < 0 {
			return false, nil
		}
		r.Contacts = slices.Delete(r.Contacts, i, i+1)
		r.UpdatedAt = now
		return true, nil
	})
}
