// Package auth models who acts on sportello and what they may do.
package auth
