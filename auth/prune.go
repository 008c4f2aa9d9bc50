package auth

import (
	"context"
	"time"
)

// Pruned counts what Prune deleted.
type Pruned struct {
	// Tokens counts the expired tokens deleted; Attempts the stale login
	// failure counters.
	Tokens, Attempts int
}

// Prune deletes what no rule needs any more: tokens expired for more than a
// day (well past any rate-limit window) and failure counters whose last
// failure is older than the throttle window plus the lockout. Hosts run it
// from time to time (daily is plenty); nothing else depends on it.
func (d *Desk) Prune(ctx context.Context, tenant string) (Pruned, error) {
	if err := checkTenant(tenant); err != nil {
		return Pruned{}, err
	}
	now := d.now()
	var p Pruned
	var err error
	horizon := max(24*time.Hour, d.cfg.ResetWindow)
	if p.Tokens, err = d.store.PruneTokens(ctx, tenant, now.Add(-horizon)); err != nil {
		return p, err
	}
	p.Attempts, err = d.store.PruneLoginAttempts(ctx, tenant, now.Add(-d.cfg.Throttle.Window-d.cfg.Throttle.Lockout))
	return p, err
}
