// Package auth models who acts on sportello and what they may do: the
// Principal every other package checks, staff accounts and their
// administration, passwords and single-use tokens, the codice fiscale and
// the partita IVA, citizens arriving from SPID or CIE, and login profiles
// provisioned under a one-provider policy.
//
// # Principals and roles
//
// A Principal is a value naming the acting party: a citizen (with codice
// fiscale and SPID level), a staff member (operator, manager or admin, with
// the services, calendars and offices they are enabled for) or the system.
// Every command of every sportello package takes it explicitly; its
// predicates (HasRole, CanWorkOnService, CanUseCalendar, InOffice,
// MeetsLevel) are what the other packages' permission rules use.
//
// # Accounts
//
// A Desk administers staff accounts. Administrators and managers create
// operators with a username and an e-mail (both unique in the tenant, the
// e-mail case-insensitively); no password is ever generated or mailed:
// the new operator receives a link with a 256-bit token through the host's
// Notifier and sets a password with SetPassword. Managers can disable,
// enable and delete operators, enable them for services and calendars, set
// their offices and grant or revoke the manager role, never beyond their
// own rights and never on an administrator; the tenant's last enabled
// administrator cannot be removed, disabled or demoted (ErrLastAdmin),
// atomically across processes. Authorize (who may do what to which
// account, the shape every wing's permission rule has) and AuthorizeGrant
// (a manager hands out only the rights it holds, auth's own rule) are the
// whole permission rule, pure and table-tested.
//
// # Passwords
//
// Passwords are hashed with argon2id, the parameters encoded in the stored
// hash; raising Config.Argon2 re-hashes each account at its next login.
// The policy (PasswordPolicy) follows NIST SP 800-63B: 8 to 128 bytes (15
// when the password is the only factor), no composition rules, the 30,000
// most common passwords refused, as are passwords containing the username
// or the e-mail's local part. Login gives the same ErrInvalidCredentials
// after the same work whether the account is unknown, disabled or the
// password wrong, and throttles repeated failures per account (and per
// unknown name). A reset request gives the same answer whether or not the
// account exists, is rate-limited per account and never locks it; tokens
// are stored only as SHA-256, expire, are used once, and using one ends
// every other token of the account, bumps CredentialsVersion (hosts end the
// other sessions) and queues a "password changed" notification in the same
// store write.
//
// # Codice fiscale
//
// ParseFiscalCode validates the 16-character personal code (with omocodia)
// and the 11-digit numeric code without allocating; ValidateVATNumber the
// partita IVA. RegisterValidations adds the `codicefiscale` (TagFiscalCode)
// and `partitaiva` (TagVATNumber) tags to a validator/v10 instance. Errors
// name the rule that failed and never echo the code.
//
// # Text
//
// Every string a Desk accepts follows the text rule every sportello wing
// applies: valid UTF-8, no NUL, no control characters, lengths counted in
// characters. The Desk checks it before any store call, so bad text is a
// *ValidationError naming the field on every store alike and nothing is
// saved; a lookup by an ID that breaks it is ErrNotFound, since no record
// can have such an ID. Passwords are the exception: they are hashed, never
// stored as text.
//
// # Errors and retries
//
// Every error a Desk returns matches one sentinel (or is a context error):
// ErrNotFound, ErrConflict, ErrForbidden, ErrValidation,
// ErrInvalidCredentials, ErrThrottled, ErrInvalidToken, ErrLastAdmin,
// ErrProviderUnauthorized, ErrPolicy or ErrUnavailable. Worth a retry:
// ErrUnavailable (the store failed; retry later, with backoff), a
// ErrConflict whose *ConflictError field is "version" (read again and
// repeat the command; the idempotency key makes creations safe to repeat),
// and ErrThrottled after its *ThrottledError's Until. Not worth a retry
// with the same input: ErrValidation, ErrForbidden, ErrNotFound,
// ErrInvalidCredentials, ErrInvalidToken, ErrLastAdmin, ErrPolicy, a taken
// username or e-mail. A Notifier's or provider directory's own errors are
// returned wrapped, for the host to judge.
//
// # Security events
//
// Failed logins, lockouts, permission refusals and token redemptions are
// logged through Config.Logger at info or warn with the keys tenant,
// action, outcome and account_id (the account's ID, never the login name,
// e-mail or codice fiscale), for the host to feed to its SIEM.
//
// # Storage
//
// A Desk keeps its data in a Store: memstore is the in-memory default,
// pgstore keeps them in PostgreSQL, and authtest.Run checks any other
// implementation against the same contract (uniqueness under concurrent
// creation, stale versions, single-use tokens under 50 concurrent
// redemptions, the last-admin rule, the outbox, bad text refused before
// the store, tenant isolation).
//
// Notifications caused by a change are saved with it (an outbox); the host
// drains them with DeliverNotifications, which delivers through
// Config.Notifier under the outbox rule every sportello wing shares:
// notifications are claimed with a lease (Config.NotificationLease), so
// several instances drain one store without sending twice; one account's
// (or profile's) notifications go out in the order they were saved; a
// failed one is retried after its lease and holds back only the later ones
// of its account. Notifiers should drop a repeated ID (a crash between
// delivery and acknowledgement delivers again). Links carrying a token are
// the exception: the token exists only in memory, so they go straight to
// the Notifier.
package auth
