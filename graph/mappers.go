package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

// Explicit mappers keep Rocket.Chat's JSON shape from dictating the schema.

// fullUser wraps a record that came from a complete look-up (users.info, login, writes).
func fullUser(u *restclient.User) *model.User {
	return &model.User{ID: u.ID, Record: u, Complete: true}
}

// partialUser wraps a record from a listing or a reference: missing fields are fetched on demand.
func partialUser(u *restclient.User) *model.User {
	return &model.User{ID: u.ID, Record: u}
}

func listedUsers(us []restclient.User) []model.User {
	out := make([]model.User, len(us))
	for i := range us {
		out[i] = model.User{ID: us[i].ID, Record: &us[i]}
	}
	return out
}

// statusOf maps Rocket.Chat's status string; anything unknown (or missing) reads as offline.
func statusOf(s string) model.UserStatus {
	switch strings.ToLower(s) {
	case "online":
		return model.UserStatusOnline
	case "away":
		return model.UserStatusAway
	case "busy":
		return model.UserStatusBusy
	case "disabled":
		return model.UserStatusDisabled
	}
	return model.UserStatusOffline
}

func optionalStatus(s string) *model.UserStatus {
	if s == "" {
		return nil
	}
	st := statusOf(s)
	return &st
}

func inactiveReasonOf(s *string) *model.InactiveReason {
	if s == nil || *s == "" {
		return nil
	}
	r := model.InactiveReason(strings.ToUpper(*s))
	if !r.IsValid() {
		return nil
	}
	return &r
}

func restInactiveReason(r model.InactiveReason) string { return strings.ToLower(string(r)) }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func teamOf(t restclient.Team) model.Team {
	var createdBy *model.User
	if t.CreatedBy.ID != "" {
		createdBy = partialUser(&restclient.User{ID: t.CreatedBy.ID, Username: t.CreatedBy.Username})
	}
	return model.Team{
		ID:        t.ID,
		Name:      t.Name,
		Private:   t.Type == 1,
		RoomID:    t.RoomID,
		CreatedBy: createdBy,
		CreatedAt: t.CreatedAt,
		UpdatedAt: t.UpdatedAt,
		IsOwner:   t.IsOwner,
	}
}

func preferencesOf(p map[string]any) *model.Preferences {
	if p == nil {
		p = map[string]any{}
	}
	str := func(k string) *string {
		if s, ok := p[k].(string); ok {
			return &s
		}
		return nil
	}
	boolean := func(k string) *bool {
		if b, ok := p[k].(bool); ok {
			return &b
		}
		return nil
	}
	var idle *int
	if f, ok := p["idleTimeLimit"].(float64); ok {
		n := int(f)
		idle = &n
	}
	var highlights []string
	if hs, ok := p["highlights"].([]any); ok {
		highlights = make([]string, 0, len(hs))
		for _, h := range hs {
			if s, ok := h.(string); ok {
				highlights = append(highlights, s)
			}
		}
	}
	return &model.Preferences{
		Language:               str("language"),
		NewRoomNotification:    str("newRoomNotification"),
		NewMessageNotification: str("newMessageNotification"),
		UseEmojis:              boolean("useEmojis"),
		ConvertASCIIEmoji:      boolean("convertAsciiEmoji"),
		SendOnEnter:            str("sendOnEnter"),
		ThemeAppearence:        str("themeAppearence"),
		FontSize:               str("fontSize"),
		EnableAutoAway:         boolean("enableAutoAway"),
		IdleTimeLimit:          idle,
		Highlights:             highlights,
		DesktopNotifications:   str("desktopNotifications"),
		PushNotifications:      str("pushNotifications"),
		EmailNotificationMode:  str("emailNotificationMode"),
		All:                    p,
	}
}

// jsonObject accepts a JSON scalar argument that must be an object (custom fields, preferences).
func jsonObject(name string, v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badInputf("%s must be a JSON object", name)
	}
	return m, nil
}

// selector turns optional id/username arguments into a user selector: at most one of them, and
// with required set, exactly one.
func selector(id, username *string, required bool) (restclient.UserSelector, error) {
	if id != nil && username != nil {
		return restclient.UserSelector{}, badInputf("give either id or username, not both")
	}
	if id != nil {
		if strings.TrimSpace(*id) == "" {
			return restclient.UserSelector{}, badInputf("id must not be empty")
		}
		return restclient.UserSelector{UserID: *id}, nil
	}
	if username != nil {
		if strings.TrimSpace(*username) == "" {
			return restclient.UserSelector{}, badInputf("username must not be empty")
		}
		return restclient.UserSelector{Username: *username}, nil
	}
	if required {
		return restclient.UserSelector{}, badInputf("give exactly one of id or username")
	}
	return restclient.UserSelector{}, nil
}

// selfIfEmpty targets the caller when no user was named, for endpoints that need a target.
func (r *Resolver) selfIfEmpty(ctx context.Context, sel restclient.UserSelector) restclient.UserSelector {
	if sel.UserID == "" && sel.Username == "" {
		sel.UserID = r.caller(ctx).UserID
	}
	return sel
}

// Cursors are opaque to clients; inside they are the Rocket.Chat offset of the item.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(b), "o:") {
		if n, err := strconv.Atoi(string(b[2:])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, badInputf("after: %q is not a cursor this API returned", c)
}

var orderFields = map[model.UserOrderField]string{
	model.UserOrderFieldUsername:  "username",
	model.UserOrderFieldName:      "name",
	model.UserOrderFieldStatus:    "status",
	model.UserOrderFieldCreatedAt: "createdAt",
	model.UserOrderFieldLastLogin: "lastLogin",
}

func sortOf(o *model.UserOrder) string {
	if o == nil {
		return ""
	}
	dir := 1
	if o.Direction == model.SortDirectionDesc {
		dir = -1
	}
	return fmt.Sprintf(`{%q:%d}`, orderFields[o.Field], dir)
}

// avatarURL builds the avatar address Rocket.Chat serves, without a request: by username when
// known, else by id. The ETag makes it change when the avatar does.
func (r *Resolver) avatarURL(u *restclient.User, size *int, format *model.AvatarFormat) string {
	var b strings.Builder
	b.WriteString(r.avatarBase)
	if u.Username != "" {
		b.WriteString("/avatar/")
		b.WriteString(url.PathEscape(u.Username))
	} else {
		b.WriteString("/avatar/uid/")
		b.WriteString(url.PathEscape(u.ID))
	}
	q := url.Values{}
	if size != nil {
		q.Set("size", strconv.Itoa(min(max(*size, 16), 1024)))
	}
	if format != nil && *format != model.AvatarFormatSVG {
		q.Set("format", strings.ToLower(string(*format)))
	}
	if u.AvatarETag != "" {
		q.Set("etag", u.AvatarETag)
	}
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode())
	}
	return b.String()
}

// selects reports whether the current field's selection asks for the named sub-field.
func selects(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
