// Package model holds the GraphQL-facing types that gqlgen binds to; the rest is generated into
// models_gen.go.
package model

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rocketgql/rocketgql/restclient"
)

// User is the GraphQL User, read straight from the REST record it was built from. Its fields are
// plain methods, not resolvers, so gqlgen reads them without a goroutine each: the resolvers
// that hand out users make sure beforehand that every selected field is in Record (see
// graph.Resolver.materialize).
type User struct {
	ID string
	// Record is the REST record this user was built from; never nil.
	Record *restclient.User
	// Complete is true when Record came from users.info (or an equivalent full look-up), so a
	// missing field is really absent rather than not listed.
	Complete bool
	// AvatarBase is the public Rocket.Chat address avatar URLs are built on.
	AvatarBase string
}

// IsEntity marks User as an Apollo Federation entity (resolvable by id or username).
func (User) IsEntity() {}

// Email is one of a user's addresses.
type Email struct {
	Address  string
	Verified bool
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (u *User) Username() *string   { return optional(u.Record.Username) }
func (u *User) Name() *string       { return optional(u.Record.Name) }
func (u *User) Nickname() *string   { return optional(u.Record.Nickname) }
func (u *User) Bio() *string        { return optional(u.Record.Bio) }
func (u *User) StatusText() *string { return optional(u.Record.StatusText) }
func (u *User) Type() *string       { return optional(u.Record.Type) }
func (u *User) Language() *string   { return optional(u.Record.Language) }
func (u *User) AvatarETag() *string { return optional(u.Record.AvatarETag) }
func (u *User) Active() *bool       { return u.Record.Active }
func (u *User) Roles() []string     { return u.Record.Roles }

func (u *User) CreatedAt() *time.Time        { return u.Record.CreatedAt }
func (u *User) LastLogin() *time.Time        { return u.Record.LastLogin }
func (u *User) UtcOffset() *float64          { return u.Record.UTCOffset }
func (u *User) RequirePasswordChange() *bool { return u.Record.RequirePasswordChange }
func (u *User) Federated() *bool             { return u.Record.Federated }
func (u *User) CanViewAllInfo() *bool        { return u.Record.CanViewAllInfo }

// Emails is null, not empty, when the caller may not see them.
func (u *User) Emails() []Email {
	if u.Record.Emails == nil {
		return nil
	}
	out := make([]Email, len(u.Record.Emails))
	for i, e := range u.Record.Emails {
		out[i] = Email{Address: e.Address, Verified: e.Verified}
	}
	return out
}

func (u *User) CustomFields() any {
	if u.Record.CustomFields == nil {
		return nil
	}
	return u.Record.CustomFields
}

func (u *User) Status() *UserStatus {
	if u.Record.Status == "" {
		return nil
	}
	s := StatusOf(u.Record.Status)
	return &s
}

func (u *User) InactiveReason() *InactiveReason {
	if u.Record.InactiveReason == nil || *u.Record.InactiveReason == "" {
		return nil
	}
	r := InactiveReason(strings.ToUpper(*u.Record.InactiveReason))
	if !r.IsValid() {
		return nil
	}
	return &r
}

// Presence answers from the record: listings and users.info carry the status.
func (u *User) Presence() *Presence {
	return &Presence{Status: StatusOf(u.Record.Status), StatusText: optional(u.Record.StatusText)}
}

// AvatarURL builds the avatar address Rocket.Chat serves, without a request: by username when
// known, else by id. The ETag makes the URL change when the avatar does.
func (u *User) AvatarURL(size *int, format *AvatarFormat) string {
	var b strings.Builder
	b.WriteString(u.AvatarBase)
	if u.Record.Username != "" {
		b.WriteString("/avatar/")
		b.WriteString(url.PathEscape(u.Record.Username))
	} else {
		b.WriteString("/avatar/uid/")
		b.WriteString(url.PathEscape(u.ID))
	}
	q := url.Values{}
	if size != nil {
		q.Set("size", strconv.Itoa(min(max(*size, 16), 1024)))
	}
	if format != nil && *format != AvatarFormatSVG {
		q.Set("format", strings.ToLower(string(*format)))
	}
	if u.Record.AvatarETag != "" {
		q.Set("etag", u.Record.AvatarETag)
	}
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode())
	}
	return b.String()
}

// StatusOf maps Rocket.Chat's status string; anything unknown (or missing) reads as offline.
func StatusOf(s string) UserStatus {
	switch strings.ToLower(s) {
	case "online":
		return UserStatusOnline
	case "away":
		return UserStatusAway
	case "busy":
		return UserStatusBusy
	case "disabled":
		return UserStatusDisabled
	}
	return UserStatusOffline
}
