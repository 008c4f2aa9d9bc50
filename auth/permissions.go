package auth

// Action names a command subject to a permission check.
type Action string
