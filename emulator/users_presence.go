package emulator

import (
	"strconv"
	"strings"
	"time"
)

func itoa(i int) string { return strconv.Itoa(i) }

// presenceDeltaWindow: a `from` newer than this asks for a delta instead of the full list.
const presenceDeltaWindow = 10 * time.Minute

// handlePresence is GET users.presence (§8.2): with ids, the listed users that are not offline;
// with a recent `from`, every other user changed since then (offline ones included); otherwise
// all non-offline users with full:true.
func handlePresence(s *Server, c *call) (map[string]any, error) {
	var ids []string
	for _, v := range c.q["ids"] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	users := []any{}
	if c.q.has("ids") {
		for _, id := range ids {
			if u := s.st.users[id]; u != nil && u.Status != "offline" {
				users = append(users, presenceEntry(u))
			}
		}
		return map[string]any{"users": users, "full": false}, nil
	}
	if from, ok := c.q.str("from"); ok && from != "" {
		if t, err := time.Parse(time.RFC3339Nano, from); err == nil && s.clock().Sub(t) < presenceDeltaWindow {
			for _, u := range s.st.all() {
				if u.ID != c.user.ID && u.UpdatedAt.After(t) {
					users = append(users, presenceEntry(u))
				}
			}
			return map[string]any{"users": users, "full": false}, nil
		}
	}
	for _, u := range s.st.all() {
		if u.Status != "offline" {
			users = append(users, presenceEntry(u))
		}
	}
	return map[string]any{"users": users, "full": true}, nil
}

// handleGetPresence is GET users.getPresence: connection details for yourself, only the
// presence for others.
func handleGetPresence(s *Server, c *call) (map[string]any, error) {
	if isUserFromParams(c.qget, c.user) {
		out := map[string]any{"presence": orOffline(c.user.Status), "connectionStatus": orOffline(c.user.StatusConnection)}
		if c.user.LastLogin != nil {
			out["lastLogin"] = isoDate(*c.user.LastLogin)
		}
		return out, nil
	}
	u, err := s.userFromParams(c.qget)
	if err != nil {
		return nil, err
	}
	return map[string]any{"presence": orOffline(u.Status)}, nil
}

func orOffline(s string) string {
	if s == "" {
		return "offline"
	}
	return s
}

// handleGetStatus is GET users.getStatus: like getPresence, with _id and status.
func handleGetStatus(s *Server, c *call) (map[string]any, error) {
	self := isUserFromParams(c.qget, c.user)
	u := c.user
	if !self {
		var err error
		if u, err = s.userFromParams(c.qget); err != nil {
			return nil, err
		}
	}
	out := map[string]any{"_id": u.ID, "status": orOffline(u.Status)}
	if self {
		out["connectionStatus"] = orOffline(u.StatusConnection)
	}
	if u.StatusSource != "" {
		out["statusSource"] = u.StatusSource
	}
	if u.StatusExpiresAt != nil {
		out["statusExpiresAt"] = isoDate(*u.StatusExpiresAt)
	}
	return out, nil
}

var validStatuses = map[string]bool{"online": true, "away": true, "busy": true, "offline": true}

// handleSetStatus is POST users.setStatus: message and/or status, optionally for another user
// (edit-other-user-info, else 403), optional expiresAt in the future.
func handleSetStatus(s *Server, c *call) (map[string]any, error) {
	msg, hasMsg := c.body["message"].(string)
	status, hasStatus := c.body["status"].(string)
	_, msgPresent := c.body["message"]
	_, statusPresent := c.body["status"]
	if (!hasMsg && !hasStatus) || (msgPresent && !hasMsg) || (statusPresent && !hasStatus) {
		return nil, failure("Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation")
	}
	target := c.user
	if !isUserFromParams(c.bget, c.user) {
		if !s.can(c.user, "edit-other-user-info") {
			return nil, forbidden()
		}
		u, err := s.userFromParams(c.bget)
		if err != nil {
			return nil, err
		}
		target = u
	}
	var expires *time.Time
	if raw, ok := c.body["expiresAt"]; ok {
		str, _ := raw.(string)
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil || !t.After(s.clock()) {
			return nil, meteorErr("error-invalid-date", "expiresAt must be a future date", nil)
		}
		t = t.UTC()
		expires = &t
	}
	if hasStatus && !validStatuses[status] {
		return nil, meteorErr("error-invalid-status", "Valid status types include online, away, offline, and busy.", map[string]any{"method": "users.setStatus"})
	}
	if hasMsg {
		target.StatusText = msg
	}
	if hasStatus {
		target.Status, target.StatusDefault, target.StatusSource = status, status, "manual"
		if status != "offline" {
			target.StatusConnection = "online"
		}
	}
	target.StatusExpiresAt = expires
	target.UpdatedAt = s.clock()
	return nil, nil
}
