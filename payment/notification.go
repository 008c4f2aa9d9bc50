package payment

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/auth"
)

// checkNotification validates a notification's own fields.
func checkNotification(n Notification) error {
	var v validationErrors
	if n.PaymentID == "" && n.IUV == "" {
		v.add("payment_id", "required", "payment_id or iuv is required")
	}
	if !n.Status.Valid() || n.Status == StatusCreationPending {
		v.add("status", "oneof", "must be a status the gateway reports")
	}
	if n.Status == StatusComplete && (n.Receipt == nil || n.Receipt.PaidAt.IsZero()) {
		v.add("receipt", "required", "is required, with its payment instant, for complete")
	}
	return v.err()
}

// ApplyNotification applies a gateway notification to the record it
// names (by PaymentID, else by IUV) and tells whether it was Applied or
// Ignored. Notifications may come twice, late or out of order: Decide
// keeps a record from moving backwards and never loses a "complete" (its
// receipt is saved with it; a later "complete" keeps the first receipt).
// An ignored notification is logged without personal data and is not an
// error. Only the system may apply notifications; n.Tenant, when set, must
// be who's tenant. A malformed notification gives *ValidationError; an
// unknown record ErrNotFound.
func (d *Desk) ApplyNotification(ctx context.Context, who auth.Principal, n Notification) (*Payment, Outcome, error) {
	if n.Tenant == "" {
		n.Tenant = who.Tenant
	}
	if err := Can(who, ActionNotify, n.Tenant, "", ""); err != nil {
		return nil, 0, err
	}
	if err := checkNotification(n); err != nil {
		return nil, 0, err
	}
	var p *Payment
	var err error
	if n.PaymentID != "" {
		p, err = d.store.Get(ctx, n.Tenant, n.PaymentID)
	} else {
		p, err = d.store.FindByIUV(ctx, n.Tenant, n.IUV)
	}
	if err != nil {
		return nil, 0, err
	}
	return d.applyNotification(ctx, p, n, "gateway")
}

// applyNotification decides and saves n on p, re-deciding on the fresh
// record when another writer got there first.
func (d *Desk) applyNotification(ctx context.Context, p *Payment, n Notification, source string) (*Payment, Outcome, error) {
	outcome := Ignored
	saved, err := d.change(ctx, p, func(p *Payment) (*Event, error) {
		dec := Decide(p.Status, n.Status)
		if dec.Outcome == Ignored {
			outcome = Ignored
			d.logIgnored(p, n.Status, dec.Reason)
			return nil, nil
		}
		step, _ := stepTo(n.Status)
		ev, err := p.apply(step, d.now(), source, "", d.cfg.NewID())
		if err != nil {
			return nil, err
		}
		if n.Status == StatusComplete {
			r := *n.Receipt
			r.PaidAt = r.PaidAt.UTC()
			p.Receipt = &r
		}
		if n.Links != (Links{}) {
			p.Links = mergeLinks(p.Links, n.Links)
		}
		outcome = Applied
		d.log.Info().Str("tenant", p.Tenant).Str("payment_id", string(p.ID)).
			Str("from", string(ev.From)).Str("to", string(ev.To)).Str("source", source).
			Msg("payment: status changed")
		return &ev, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return saved, outcome, nil
}

// logIgnored logs an ignored notification: duplicates at debug level,
// others at info. Only IDs and statuses, never personal data.
func (d *Desk) logIgnored(p *Payment, notified Status, reason IgnoreReason) {
	e := d.log.Info()
	if reason == ReasonDuplicate {
		e = d.log.Debug()
	}
	e.Str("tenant", p.Tenant).Str("payment_id", string(p.ID)).
		Str("status", string(p.Status)).Str("notified", string(notified)).
		Str("reason", string(reason)).Msg("payment: notification ignored")
}

// mergeLinks overwrites the links of a with the non-empty ones of b.
func mergeLinks(a, b Links) Links {
	if b.Online != "" {
		a.Online = b.Online
	}
	if b.Notice != "" {
		a.Notice = b.Notice
	}
	if b.Receipt != "" {
		a.Receipt = b.Receipt
	}
	return a
}

// Refresh reconciles a record with the gateway: a creation_pending record
// gets its position created (completing an interrupted Create); a record
// with a position that is not complete gets the gateway's status applied
// as a notification, which also recovers a "complete" whose notification
// was lost, even after the record expired or was canceled. Complete,
// manual and physical-stamp records are returned unchanged (Ignored).
func (d *Desk) Refresh(ctx context.Context, who auth.Principal, id ID) (*Payment, Outcome, error) {
	p, err := d.store.Get(ctx, who.Tenant, id)
	if err != nil {
		return nil, 0, err
	}
	if err := canOn(who, ActionRefresh, p); err != nil {
		return nil, 0, err
	}
	switch {
	case p.Kind == KindManual || p.Kind == KindStampPhysical,
		p.Status == StatusComplete, p.Status == StatusCreationFailed:
		return p, Ignored, nil
	case p.Status == StatusCreationPending:
		version := p.Version
		q, err := d.openPosition(ctx, who, p)
		if err != nil {
			return nil, 0, err
		}
		if q.Version == version {
			return q, Ignored, nil
		}
		return q, Applied, nil
	}
	n, err := d.gw.PositionStatus(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, 0, fmt.Errorf("payment: gateway: position status: %w", err)
	}
	n.Tenant, n.PaymentID = p.Tenant, p.ID
	if err := checkNotification(n); err != nil {
		return nil, 0, fmt.Errorf("payment: gateway returned an unusable status: %w", err)
	}
	return d.applyNotification(ctx, p, n, "reconcile")
}
