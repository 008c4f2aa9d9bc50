package auth

import (
	"errors"

	"github.com/rs/zerolog"
)

// Security events are logged so that a host can feed them to its SIEM:
// failed logins (info), lockouts and logins refused while locked (warn),
// permission refusals (warn), token redemptions (info) and refused tokens
// (info). Each line carries the keys tenant, action, outcome and, when an
// account is known, account_id; never the login name, an e-mail address,
// a codice fiscale, a password or a token.
const (
	outcomeInvalidCredentials = "invalid_credentials"
	outcomeLocked             = "locked"
	outcomeThrottled          = "throttled"
	outcomeForbidden          = "forbidden"
	outcomeRedeemed           = "redeemed"
	outcomeInvalidToken       = "invalid_token"
)

// Log actions of the steps that are not permission-checked Actions.
const (
	logActionLogin       = "login"
	logActionRedeemToken = "redeem_token"
	logActionResetToken  = "request_password_reset"
)

// security writes one security event at level.
func (d *Desk) security(level zerolog.Level, tenant, action, outcome, accountID string) *zerolog.Event {
	e := d.log.WithLevel(level).Str("tenant", tenant).Str("action", action).Str("outcome", outcome)
	if accountID != "" {
		e = e.Str("account_id", accountID)
	}
	return e
}

// refused logs a permission refusal and returns err unchanged. The actor's
// ID is logged only for staff, whose IDs are account IDs: a citizen's is
// the codice fiscale.
func (d *Desk) refused(who Principal, action Action, target *Account, err error) error {
	var pe *PermissionError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	actor := ""
	if who.Kind == KindOperator {
		actor = who.ID
	}
	e := d.security(zerolog.WarnLevel, who.Tenant, string(action), outcomeForbidden, actor).
		Str("kind", who.Kind.String()).Str("missing", pe.Missing)
	if target != nil {
		e = e.Str("target_account_id", target.ID)
	}
	e.Msg("permission refused")
	return err
}

// authorize applies Authorize and logs a refusal.
func (d *Desk) authorize(who Principal, action Action, target *Account) error {
	return d.refused(who, action, target, Authorize(who, action, target))
}
