package emulator

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// handleInfo is GET users.info: exactly one lookup key (8.8.1 oneOf), the visibility rules of
// infoDoc, and the caller's rooms with includeUserRooms=true.
func handleInfo(s *Server, c *call) (map[string]any, error) {
	lookups := []string{"userId", "username", "importId", "email", "freeSwitchExtension"}
	var key, val string
	n := 0
	for _, k := range lookups {
		if v, ok := c.q.str(k); ok {
			key, val = k, v
			n++
		} else if c.q.has(k) {
			return nil, invalidParams("must be string")
		}
	}
	if n != 1 {
		msgs := []string{}
		if n == 0 {
			for _, k := range lookups {
				msgs = append(msgs, "must have required property '"+k+"'")
			}
		}
		return nil, invalidParams(append(msgs, "must match exactly one schema in oneOf")...)
	}
	privileged := s.can(c.user, "view-full-other-user-info")
	var u *user
	switch key {
	case "userId":
		u = s.st.users[val]
	case "username":
		for _, cand := range s.st.all() {
			if cand.Username == val {
				u = cand
			}
		}
	case "email":
		u = s.st.byEmail(val)
		if u != nil && u != c.user && !privileged {
			u = nil
		}
	case "freeSwitchExtension":
		for _, cand := range s.st.all() {
			if val != "" && cand.FreeSwitchExtension == val && (cand == c.user || s.can(c.user, "view-user-voip-extension")) {
				u = cand
			}
		}
	case "importId":
		u = nil // no imported users exist in the emulator
	}
	if u == nil {
		return nil, failure("User not found.")
	}
	doc := s.infoDoc(c.user, u)
	if v, _ := c.q.str("includeUserRooms"); v == "true" && (u == c.user || s.can(c.user, "view-other-user-channels")) {
		doc["rooms"] = s.userRooms(u)
	}
	return map[string]any{"user": doc}, nil
}

// userRooms lists the user's subscriptions sorted by type then name.
func (s *Server) userRooms(u *user) []any {
	var subs []*room
	if u.Active {
		subs = append(subs, s.st.general)
	}
	for _, t := range s.st.teamsOf(u.ID) {
		subs = append(subs, s.st.rooms[t.RoomID])
	}
	sort.SliceStable(subs, func(i, j int) bool {
		if subs[i].T != subs[j].T {
			return subs[i].T < subs[j].T
		}
		return subs[i].Name < subs[j].Name
	})
	out := make([]any, 0, len(subs))
	for _, r := range subs {
		e := map[string]any{"_id": s.st.subscriptionID(u.ID, r.ID), "rid": r.ID, "name": r.Name, "t": r.T, "unread": 0}
		for _, t := range s.st.teams {
			if t.RoomID == r.ID && t.Members[u.ID] {
				e["roles"] = []string{"owner"}
			}
		}
		out = append(out, e)
	}
	return out
}

// handleList is GET users.list: every user as a list item, sorted (default username),
// filtered by `email` and, with AllowUnsafeQuery, by `query` and projected by `fields`.
func handleList(s *Server, c *call) (map[string]any, error) {
	offset, count, err := pagination(c.q)
	if err != nil {
		return nil, err
	}
	keys, err := parseSort(c.q, []sortKey{{"username", 1}})
	if err != nil {
		return nil, err
	}
	var query, fields map[string]any
	if s.opts.AllowUnsafeQuery {
		if raw, ok := c.q.str("query"); ok && raw != "" {
			q, err := parseJSONObject(raw)
			if err != nil {
				return nil, meteorErr("error-invalid-query", `Invalid query parameter provided: "`+raw+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
			}
			hidden := map[string]bool{"services": true, "inviteToken": true, "joinCode": true, "members": true, "importIds": true, "e2e": true}
			if !s.can(c.user, "view-full-other-user-info") {
				for _, k := range privateFields {
					hidden[k] = true
				}
			}
			query = cleanQuery(q, hidden)
		}
		if raw, ok := c.q.str("fields"); ok && raw != "" {
			f, err := parseJSONObject(raw)
			if err != nil {
				return nil, meteorErr("error-invalid-fields", `Invalid fields parameter provided: "`+raw+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
			}
			fields = f
		}
	}
	emailFilter, hasEmail := c.q.str("email")
	if c.q.has("email") && (!hasEmail || emailFilter == "") {
		return nil, invalidParams("must NOT have fewer than 1 characters")
	}
	var docs []map[string]any
	for _, u := range s.st.all() {
		if hasEmail && !hasEmailAddr(u, emailFilter) {
			continue
		}
		d := s.listItem(c.user, u)
		if fields != nil {
			// The real server adds the requested fields to the list's projection; its forced
			// projection (§4) still hides private fields from callers without the permission.
			for k, v := range s.forcedProjection(c.user, fullDoc(u)) {
				if _, ok := d[k]; !ok {
					d[k] = v
				}
			}
		}
		if query != nil {
			ok, err := matchQuery(d, query)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		docs = append(docs, d)
	}
	sortDocs(docs, keys)
	total := len(docs)
	items := page(docs, offset, count)
	out := make([]any, 0, len(items))
	for _, d := range items {
		if fields != nil {
			d = applyFields(d, fields)
		}
		out = append(out, d)
	}
	return map[string]any{"users": out, "count": len(out), "offset": offset, "total": total}, nil
}

func hasEmailAddr(u *user, addr string) bool {
	for _, e := range u.Emails {
		if strings.EqualFold(e.Address, addr) {
			return true
		}
	}
	return false
}

var inactiveReasons = map[string]bool{"deactivated": true, "pending_approval": true, "idle_too_long": true}

// handleListByStatus is GET users.listByStatus (lib/users.ts): filters on active state, login,
// type, roles, search term and inactive reason. It does not apply the §4 hiding.
func handleListByStatus(s *Server, c *call) (map[string]any, error) {
	offset, count, err := pagination(c.q)
	if err != nil {
		return nil, err
	}
	keys, err := parseSort(c.q, []sortKey{{"username", 1}})
	if err != nil {
		return nil, err
	}
	status, _ := c.q.str("status")
	if status != "" && status != "active" && status != "deactivated" {
		return nil, invalidParams("must be equal to one of the allowed values")
	}
	var hasLoggedIn *bool
	if v, ok := c.q.str("hasLoggedIn"); ok {
		if v != "true" && v != "false" {
			return nil, invalidParams("must be boolean")
		}
		b := v == "true"
		hasLoggedIn = &b
	}
	typ, _ := c.q.str("type")
	roles := c.q["roles"]
	for _, r := range c.q["inactiveReason"] {
		if !inactiveReasons[r] {
			return nil, invalidParams("must be equal to one of the allowed values")
		}
	}
	term, _ := c.q.str("searchTerm")
	var rx *regexp.Regexp
	if term != "" {
		rx = regexp.MustCompile("(?i)" + regexp.QuoteMeta(term))
	}
	privileged := s.can(c.user, "view-full-other-user-info")
	var docs []map[string]any
	for _, u := range s.st.all() {
		if status == "active" && !u.Active || status == "deactivated" && u.Active {
			continue
		}
		if hasLoggedIn != nil && (*hasLoggedIn != (u.LastLogin != nil)) {
			continue
		}
		if typ != "" && u.Type != typ {
			continue
		}
		if len(roles) > 0 && !contains(roles, "all") && !anyRole(u, roles) {
			continue
		}
		if len(c.q["inactiveReason"]) > 0 && (u.InactiveReason == nil || !contains(c.q["inactiveReason"], *u.InactiveReason)) {
			continue
		}
		if rx != nil {
			hit := rx.MatchString(u.Username) || rx.MatchString(u.Name)
			if privileged {
				for _, e := range u.Emails {
					hit = hit || rx.MatchString(e.Address)
				}
			}
			if !hit {
				continue
			}
		}
		full := fullDoc(u)
		d := map[string]any{}
		for _, k := range []string{"_id", "name", "username", "emails", "roles", "status", "active", "avatarETag", "lastLogin", "type", "reason", "federated"} {
			if v, ok := full[k]; ok {
				d[k] = v
			}
		}
		if v, ok := full["freeSwitchExtension"]; ok && (privileged || s.can(c.user, "view-user-voip-extension")) {
			d["freeSwitchExtension"] = v
		}
		if u.Name != "" {
			d["nameInsensitive"] = lower(u.Name)
		}
		docs = append(docs, d)
	}
	sortDocs(docs, keys)
	total := len(docs)
	items := page(docs, offset, count)
	out := make([]any, 0, len(items))
	for _, d := range items {
		delete(d, "nameInsensitive")
		out = append(out, d)
	}
	return map[string]any{"users": out, "count": len(out), "offset": offset, "total": total}, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func anyRole(u *user, roles []string) bool {
	for _, r := range roles {
		if hasRole(u, r) {
			return true
		}
	}
	return false
}

// handleAutocomplete is GET users.autocomplete: selector is a JSON string with term, exceptions
// and optional conditions ($and, $ne, $exists only). At most 10 active users, by username.
func handleAutocomplete(s *Server, c *call) (map[string]any, error) {
	raw, ok := c.q.str("selector")
	if !ok {
		return nil, invalidParams("must have required property 'selector'")
	}
	var sel map[string]any
	if err := json.Unmarshal([]byte(raw), &sel); err != nil {
		return nil, failure(jsParseMessage(raw, err))
	}
	term, _ := sel["term"].(string)
	var except []string
	if arr, ok := sel["exceptions"].([]any); ok {
		for _, x := range arr {
			if s, ok := x.(string); ok {
				except = append(except, s)
			}
		}
	}
	cond, _ := sel["conditions"].(map[string]any)
	if cond != nil {
		if err := checkConditions(cond); err != nil {
			return nil, err
		}
	}
	rx := regexp.MustCompile("(?i)" + regexp.QuoteMeta(term))
	outsideRoom := s.can(c.user, "view-outside-room")
	var users []*user
	for _, u := range s.st.all() {
		if !u.Active || contains(except, u.Username) || u.Username == "" {
			continue
		}
		if !(rx.MatchString(u.Username) || rx.MatchString(u.Name) || rx.MatchString(u.Nickname) || rx.MatchString(u.Bio)) {
			continue
		}
		if !outsideRoom && u != c.user && !s.st.sharesRoom(c.user.ID, u.ID) {
			continue
		}
		if cond != nil {
			if ok, _ := matchConditions(s.listItem(c.user, u), cond); !ok {
				continue
			}
		}
		users = append(users, u)
	}
	sort.SliceStable(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	if len(users) > 10 {
		users = users[:10]
	}
	items := make([]any, 0, len(users))
	for _, u := range users {
		d := map[string]any{"_id": u.ID, "username": u.Username, "status": u.Status}
		if u.Name != "" {
			d["name"] = u.Name
		}
		if u.Nickname != "" {
			d["nickname"] = u.Nickname
		}
		if u.AvatarETag != "" {
			d["avatarETag"] = u.AvatarETag
		}
		items = append(items, d)
	}
	return map[string]any{"items": items}, nil
}

// jsParseMessage approximates V8's JSON.parse error text, which is what the real server answers.
func jsParseMessage(raw string, err error) string {
	if raw == "" {
		return "Unexpected end of JSON input"
	}
	var se *json.SyntaxError
	if e, ok := err.(*json.SyntaxError); ok {
		se = e
		pos := max(int(se.Offset)-1, 0)
		if pos >= len(raw) {
			return "Unexpected end of JSON input"
		}
		return "Unexpected token " + string(raw[pos]) + " in JSON at position " + itoa(pos)
	}
	return "Unexpected token in JSON at position 0"
}

var visibleCondFields = map[string]bool{"_id": true, "username": true, "name": true, "status": true, "active": true, "type": true, "nickname": true, "avatarETag": true}

// checkConditions enforces the autocomplete conditions allow-list.
func checkConditions(cond map[string]any) error {
	for k, v := range cond {
		if k == "$and" {
			arr, ok := v.([]any)
			if !ok {
				return failure("Invalid conditions")
			}
			for _, el := range arr {
				m, ok := el.(map[string]any)
				if !ok {
					return failure("Invalid conditions")
				}
				if err := checkConditions(m); err != nil {
					return err
				}
			}
			continue
		}
		if strings.HasPrefix(k, "$") || !visibleCondFields[k] {
			return failure("Invalid conditions")
		}
		if ops, ok := v.(map[string]any); ok {
			for op := range ops {
				if op != "$ne" && op != "$exists" {
					return failure("Invalid conditions")
				}
			}
		}
	}
	return nil
}

func matchConditions(d map[string]any, cond map[string]any) (bool, error) {
	for k, v := range cond {
		if k == "$and" {
			for _, el := range v.([]any) {
				ok, _ := matchConditions(d, el.(map[string]any))
				if !ok {
					return false, nil
				}
			}
			continue
		}
		val, present := d[k]
		ops, isOps := v.(map[string]any)
		if !isOps {
			if !valueEquals(val, v) {
				return false, nil
			}
			continue
		}
		if ne, ok := ops["$ne"]; ok && valueEquals(val, ne) {
			return false, nil
		}
		if ex, ok := ops["$exists"].(bool); ok && ex != present {
			return false, nil
		}
	}
	return true, nil
}

// handleListTeams is GET users.listTeams: the teams userId belongs to; private teams the caller
// is not in are hidden unless the caller has view-all-teams.
func handleListTeams(s *Server, c *call) (map[string]any, error) {
	uid, ok := c.q.str("userId")
	if !ok {
		return nil, invalidParams("must have required property 'userId'")
	}
	all := s.can(c.user, "view-all-teams")
	teams := []any{}
	for _, t := range s.st.teamsOf(uid) {
		if t.Type == 1 && !all {
			if _, member := t.Members[c.user.ID]; !member {
				continue
			}
		}
		creator := map[string]any{"_id": t.CreatedBy}
		if cu := s.st.users[t.CreatedBy]; cu != nil {
			creator["username"] = cu.Username
		}
		teams = append(teams, map[string]any{
			"_id": t.ID, "name": t.Name, "type": t.Type, "roomId": t.RoomID, "createdBy": creator,
			"createdAt": isoDate(t.CreatedAt), "_updatedAt": isoDate(t.UpdatedAt), "isOwner": t.Members[uid],
		})
	}
	return map[string]any{"teams": teams}, nil
}

var usernamePattern = regexp.MustCompile(`^[0-9a-zA-Z\-_.]+$`)

// blockedUsernames are names checkUsernameAvailability refuses outright (reserved words).
var blockedUsernames = map[string]bool{"system": true, "all": true, "here": true}

// handleCheckUsername is GET users.checkUsernameAvailability.
func handleCheckUsername(s *Server, c *call) (map[string]any, error) {
	name, ok := c.q.str("username")
	if !ok {
		return nil, invalidParams("must have required property 'username'")
	}
	if blockedUsernames[lower(name)] {
		return nil, meteorErr("error-blocked-username", name+" is blocked and can't be used!", map[string]any{"method": "checkUsernameAvailability", "field": name})
	}
	free := usernamePattern.MatchString(name) && s.st.byUsername(name) == nil
	return map[string]any{"result": free}, nil
}

// handleUsernameSuggestion is GET users.getUsernameSuggestion: a slug of the caller's name,
// numbered until free.
func handleUsernameSuggestion(s *Server, c *call) (map[string]any, error) {
	return map[string]any{"result": s.suggestUsername(c.user.Name)}, nil
}

func (s *Server) suggestUsername(name string) string {
	var parts []string
	for _, f := range strings.Fields(asciiSlug(name)) {
		clean := strings.Map(func(r rune) rune {
			if r < 128 && usernamePattern.MatchString(string(r)) {
				return r
			}
			return -1
		}, f)
		if clean != "" {
			parts = append(parts, clean)
		}
	}
	base := strings.Join(parts, ".")
	if base == "" {
		base = "user"
	}
	cand := base
	for i := 1; ; i++ {
		if u := s.st.byUsername(cand); u == nil {
			return cand
		}
		cand = base + itoa(i)
	}
}
