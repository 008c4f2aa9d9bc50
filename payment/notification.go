package payment

import (
	"context"
	"fmt"
	"strings"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// checkNotification validates a notification's own fields: its validate
// tags (the notice code) and the rules between fields.
func (d *Desk) checkNotification(n Notification) error {
	var v validationErrors
	if err := checkTags(d.validate, &v, n); err != nil {
		return err
	}
	if n.PaymentID == "" && n.IUV == "" && strings.TrimSpace(n.NoticeCode) == "" {
		v.add("payment_id", "required", "payment_id, iuv or notice_code is required")
	}
	if n.IUV != "" && n.NoticeCode != "" {
		if c, err := ParseNoticeCode(n.NoticeCode); err == nil && c.IUV() != n.IUV {
			v.add("iuv", "notice_code", "must be the IUV inside notice_code")
		}
	}
	if !n.Status.Valid() || n.Status == StatusCreationPending {
		v.add("status", "oneof", "must be a status the gateway reports")
	}
	if n.Status == StatusComplete && (n.Receipt == nil || n.Receipt.PaidAt.IsZero()) {
		v.add("receipt", "required", "is required, with its payment instant, for complete")
	}
	if r := n.Receipt; r != nil {
		checkInstant(&v, "receipt.paid_at", r.PaidAt)
		checkText(&v, "receipt.psp", r.PSP, textrule.Line, MaxTextLen, false)
		checkText(&v, "receipt.receipt_id", r.ReceiptID, textrule.Line, MaxTextLen, false)
	}
	checkText(&v, "links.online", n.Links.Online, textrule.Line, 0, false)
	checkText(&v, "links.notice", n.Links.Notice, textrule.Line, 0, false)
	checkText(&v, "links.receipt", n.Links.Receipt, textrule.Line, 0, false)
	return v.err()
}

// matchRecord refuses a notification whose IUV or notice code belongs to
// another record than p, the one it names: a misrouted receipt must not
// complete the wrong payment.
func matchRecord(p *Payment, n Notification) error {
	var v validationErrors
	if n.IUV != "" && p.IUV != "" && n.IUV != p.IUV {
		v.add("iuv", "record", "is not the IUV of the payment named")
	}
	if n.NoticeCode != "" && p.NoticeCode != "" {
		if c, err := ParseNoticeCode(n.NoticeCode); err == nil && c.String() != p.NoticeCode {
			v.add("notice_code", "record", "is not the notice code of the payment named")
		}
	}
	return v.err()
}

// ApplyNotification applies a gateway notification to the record it
// names (by PaymentID, else by IUV, else by NoticeCode) and tells whether
// it was Applied or Ignored. Notifications may come twice, late or out of order: Decide
// keeps a record from moving backwards and never loses a "complete" (its
// receipt is saved with it; a later "complete" keeps the first receipt).
// An ignored notification is logged without personal data and is not an
// error. Only the system may apply notifications; n.Tenant, when set, must
// be who's tenant. A malformed notification gives *ValidationError; an
// unknown record ErrNotFound; an IUV or notice code that is not the named
// record's gives *ValidationError too. A "payment_pending" for a record still
// creation_pending (Create's reply from the gateway was lost) completes
// the creation as Refresh does, asking the gateway for the position so
// that the record gets its notice code, IUV and links.
func (d *Desk) ApplyNotification(ctx context.Context, who auth.Principal, n Notification) (*Payment, Outcome, error) {
	if n.Tenant == "" {
		n.Tenant = who.Tenant
	}
	if err := Authorize(who, ActionNotify, &Payment{Tenant: n.Tenant}); err != nil {
		return nil, 0, err
	}
	if err := d.checkNotification(n); err != nil {
		return nil, 0, err
	}
	if (n.PaymentID != "" && !lookupable(string(n.PaymentID))) || (n.IUV != "" && !lookupable(n.IUV)) {
		return nil, 0, ErrNotFound // no record was ever stored under such text
	}
	var p *Payment
	var err error
	switch {
	case n.PaymentID != "":
		p, err = d.store.Get(ctx, n.Tenant, n.PaymentID)
	case n.IUV != "":
		p, err = d.store.FindByIUV(ctx, n.Tenant, n.IUV)
	default:
		code, _ := ParseNoticeCode(n.NoticeCode) // checked above
		p, err = d.store.FindByIUV(ctx, n.Tenant, code.IUV())
	}
	if err != nil {
		return nil, 0, err
	}
	if err := matchRecord(p, n); err != nil {
		return nil, 0, err
	}
	if p.Status == StatusCreationPending && n.Status == StatusPending {
		// The gateway created the position but Create never recorded it
		// (its reply was lost): record it now with its notice code, IUV and
		// links, which the notification does not carry. The gateway
		// returns the position it already has.
		return d.openPosition(ctx, who, p)
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
		ev, err := d.move(p, step, d.now(), source, "")
		if err != nil {
			return nil, err
		}
		if n.Status == StatusComplete {
			r := *n.Receipt
			r.PaidAt = instant(r.PaidAt)
			p.Receipt = &r
		}
		if n.Links != (Links{}) {
			p.Links = mergeLinks(p.Links, n.Links)
		}
		if p.NoticeCode == "" && n.NoticeCode != "" {
			// A record completed before its creation was recorded learns
			// the code it was paid with.
			if c, err := ParseNoticeCode(n.NoticeCode); err == nil {
				p.NoticeCode, p.IUV = c.String(), c.IUV()
			}
		}
		if p.IUV == "" {
			p.IUV = n.IUV
		}
		outcome = Applied
		d.log.Info().Str("tenant", p.Tenant).Str("payment_id", string(p.ID)).Str("action", string(step)).
			Str("from", string(ev.From)).Str("to", string(ev.To)).Str("source", source).
			Msg("payment: status changed")
		return ev, nil
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
	p, err := d.load(ctx, who, ActionRefresh, id)
	if err != nil {
		return nil, 0, err
	}
	return d.refresh(ctx, who, p)
}

// refresh is Refresh of the record p, already read and permitted. A stale
// p is harmless: every write goes through change, which re-reads the
// record and decides again on a version conflict.
func (d *Desk) refresh(ctx context.Context, who auth.Principal, p *Payment) (*Payment, Outcome, error) {
	switch {
	case p.Kind == KindManual || p.Kind == KindStampPhysical,
		p.Status == StatusComplete, p.Status == StatusCreationFailed:
		return p, Ignored, nil
	case p.Status == StatusCreationPending:
		return d.openPosition(ctx, who, p)
	}
	n, err := d.gw.PositionStatus(ctx, p.Tenant, p.ID)
	if err != nil {
		return nil, 0, &GatewayError{Op: "position status", Err: err}
	}
	n.Tenant, n.PaymentID = p.Tenant, p.ID
	if err := d.checkNotification(n); err != nil {
		// Not ErrValidation: the caller's input was fine, the gateway is
		// at fault.
		return nil, 0, &GatewayError{Op: "position status", Err: fmt.Errorf("unusable status: %s", err.Error())}
	}
	return d.applyNotification(ctx, p, n, "reconcile")
}
