package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

// Explicit mappers keep Rocket.Chat's JSON shape from dictating the schema.

func optionalStatus(s string) *model.UserStatus {
	if s == "" {
		return nil
	}
	st := model.StatusOf(s)
	return &st
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
	return model.Team{
		ID:        t.ID,
		Name:      t.Name,
		Private:   t.Type == 1,
		RoomID:    t.RoomID,
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

// Argument sizes: Rocket.Chat takes these in a URL, so an outsized one is refused here rather
// than forwarded as a 600 KB query string.
const (
	maxNameLen   = 256 // a username, id, search term or role
	maxListItems = 100 // roles, reasons, exclusions
)

// checkSize refuses an outsized string or list argument.
func checkSize(name string, values ...string) error {
	if len(values) > maxListItems {
		return badInputf("%s: at most %d values", name, maxListItems)
	}
	for _, v := range values {
		if len(v) > maxNameLen {
			return badInputf("%s: at most %d characters", name, maxNameLen)
		}
	}
	return nil
}

// selector turns optional id/username arguments into a user selector: at most one of them, and
// with required set, exactly one.
func selector(id, username *string, required bool) (restclient.UserSelector, error) {
	if id != nil && username != nil {
		return restclient.UserSelector{}, badInputf("give either id or username, not both")
	}
	if err := checkSize("id", deref(id)); err != nil {
		return restclient.UserSelector{}, err
	}
	if err := checkSize("username", deref(username)); err != nil {
		return restclient.UserSelector{}, err
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

// done is the answer of a write that returns nothing: true, or null with the error.
func done(err error) (*bool, error) {
	if err != nil {
		return nil, err
	}
	ok := true
	return &ok, nil
}

// countRootFields counts the root fields of the current operation with the given name, aliases
// and fragments included.
func countRootFields(ctx context.Context, name string) int {
	op := graphql.GetOperationContext(ctx)
	n := 0
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, nil) {
		if f.Name == name {
			n++
		}
	}
	return n
}
