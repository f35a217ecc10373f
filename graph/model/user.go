// Package model holds the GraphQL-facing types that gqlgen binds to; the rest is generated into
// models_gen.go.
package model

import "github.com/rocketgql/rocketgql/restclient"

// User is the GraphQL User. It keeps the REST record it was built from: a record from a listing
// lacks some fields, which the resolvers then complete through the per-request user loader.
type User struct {
	ID string
	// Record is the REST record this user was built from; never nil.
	Record *restclient.User
	// Complete is true when Record came from users.info (or an equivalent full look-up), so a
	// missing field is really absent rather than not listed.
	Complete bool
}

// Email is one of a user's addresses.
type Email struct {
	Address  string
	Verified bool
}

// IsEntity marks User as an Apollo Federation entity (resolvable by id or username).
func (User) IsEntity() {}
