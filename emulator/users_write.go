package emulator

import (
	"regexp"
	"strings"
	"time"
)

var emailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// validName is validateNameChars: no markup or path characters, not a mention keyword.
func validName(n string) bool {
	if strings.ContainsAny(n, "<>/\\") {
		return false
	}
	l := lower(strings.TrimSpace(n))
	return l != "all" && l != "here"
}

var createSchema = bodySchema{strict: true, required: []string{"email", "name", "password", "username"}, props: map[string]kind{
	"email": kString, "name": kString, "password": kString, "username": kString, "active": kBool,
	"joinDefaultChannels": kBool, "requirePasswordChange": kBool, "setRandomPassword": kBool, "sendWelcomeEmail": kBool,
	"verified": kBool, "bio": kString, "nickname": kString, "statusText": kString, "freeSwitchExtension": kString,
	"roles": kStringArray, "customFields": kObject, "fields": kString,
}}

// checkNewIdentity validates a username/email pair for saveUser.
func (s *Server) checkNewIdentity(username, mail string, self *user) error {
	if username != "" {
		if !usernamePattern.MatchString(username) {
			return meteorErr("error-input-is-not-a-valid-field", username+" is not a valid username", map[string]any{"method": "insertOrUpdateUser", "input": username, "field": "Username"})
		}
		if o := s.st.byUsername(username); o != nil && o != self {
			return meteorErr("error-field-unavailable", username+" is already in use :(", map[string]any{"method": "insertOrUpdateUser", "field": username})
		}
	}
	if mail != "" {
		if !emailPattern.MatchString(mail) {
			return meteorErr("error-invalid-email", "Invalid email "+mail, map[string]any{"method": "insertOrUpdateUser", "email": mail})
		}
		if o := s.st.byEmail(mail); o != nil && o != self {
			return meteorErr("error-field-unavailable", mail+" is already in use :(", map[string]any{"method": "insertOrUpdateUser", "field": mail})
		}
	}
	return nil
}

// handleCreate is POST users.create (saveUser): create-user is checked inside, as a 400.
func handleCreate(s *Server, c *call) (map[string]any, error) {
	if err := createSchema.validate(c.body); err != nil {
		return nil, err
	}
	b := c.body
	if !s.can(c.user, "create-user") {
		return nil, errActionNotAllowed("Adding_user")
	}
	if n := bstr(b, "name"); !validName(n) {
		return nil, failure("Name contains invalid characters")
	}
	roles := []string{"user"}
	if _, ok := b["roles"]; ok {
		if !s.can(c.user, "assign-roles") {
			return nil, errActionNotAllowed("Assign_role")
		}
		roles = toStrings(b["roles"])
	}
	if bstr(b, "freeSwitchExtension") != "" && !s.can(c.user, "edit-other-user-info") {
		return nil, errActionNotAllowed("Editing_user")
	}
	if err := s.checkNewIdentity(bstr(b, "username"), bstr(b, "email"), nil); err != nil {
		return nil, err
	}
	now := s.clock()
	verified, _ := bbool(b, "verified")
	u := &user{
		ID: s.st.newID(), Username: bstr(b, "username"), Name: bstr(b, "name"), Nickname: bstr(b, "nickname"),
		Bio: bstr(b, "bio"), StatusText: bstr(b, "statusText"), FreeSwitchExtension: bstr(b, "freeSwitchExtension"),
		Emails: []email{{Address: lower(bstr(b, "email")), Verified: verified}}, Type: "user", Active: true, Roles: roles,
		Status: "offline", StatusConnection: "offline", StatusDefault: "online", CreatedAt: now, UpdatedAt: now,
		PasswordSHA: sha256Hex(bstr(b, "password")), Preferences: map[string]any{}, UTCOffset: 0,
	}
	if cf, ok := b["customFields"].(map[string]any); ok {
		u.CustomFields = cf
	}
	if a, ok := bbool(b, "active"); ok && !a {
		r := "deactivated"
		u.Active, u.InactiveReason = false, &r
	}
	u.RequirePassChange, _ = bbool(b, "requirePasswordChange")
	if rnd, _ := bbool(b, "setRandomPassword"); rnd {
		sec, err := newSecret()
		if err != nil {
			return nil, err
		}
		u.PasswordSHA, u.RequirePassChange = sha256Hex(sec), true
	}
	if hasRole(u, "bot") {
		u.Type = "bot"
	}
	s.st.add(u) // joinDefaultChannels: GENERAL is implicit for active users (see userRooms)
	return map[string]any{"user": s.forcedProjection(c.user, fullDoc(u))}, nil
}

func toStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

var registerSchema = bodySchema{strict: true, required: []string{"username", "email", "pass"}, props: map[string]kind{
	"username": kString, "email": kString, "pass": kString, "name": kString, "secret": kString, "secretURL": kString,
	"reason": kString, "customFields": kObject,
}}

// handleRegister is POST users.register (no auth): self-service registration, refused to
// logged-in callers. The new user gets the non-privileged projection.
func handleRegister(s *Server, c *call) (map[string]any, error) {
	if c.user != nil {
		return nil, failure("Logged in users can not register again.")
	}
	if err := registerSchema.validate(c.body); err != nil {
		return nil, err
	}
	b := c.body
	name := bstr(b, "name")
	if name != "" && !validName(name) {
		return nil, failure("Name contains invalid characters")
	}
	username := bstr(b, "username")
	if !usernamePattern.MatchString(username) {
		return nil, failure("Invalid username")
	}
	if s.st.byUsername(username) != nil || blockedUsernames[lower(username)] {
		return nil, failure("Username is already in use")
	}
	mail := lower(bstr(b, "email"))
	if !emailPattern.MatchString(mail) {
		return nil, meteorErr("error-invalid-email", "Invalid email "+mail, nil)
	}
	if s.st.byEmail(mail) != nil {
		return nil, failure("Email already exists")
	}
	now := s.clock()
	u := &user{
		ID: s.st.newID(), Username: username, Name: name, Emails: []email{{Address: mail}}, Type: "user", Active: true,
		Roles: []string{"user"}, Status: "offline", StatusConnection: "offline", StatusDefault: "online",
		CreatedAt: now, UpdatedAt: now, PasswordSHA: sha256Hex(bstr(b, "pass")), Reason: bstr(b, "reason"),
		Preferences: map[string]any{},
	}
	s.st.add(u)
	return map[string]any{"user": s.forcedProjection(nil, fullDoc(u))}, nil
}

var updateSchema = bodySchema{strict: true, required: []string{"userId", "data"}, props: map[string]kind{
	"userId": kNonEmptyString, "data": kObject, "confirmRelinquish": kBool,
}}

var updateDataSchema = bodySchema{strict: true, props: map[string]kind{
	"email": kString, "name": kString, "password": kString, "username": kString, "bio": kString, "nickname": kString,
	"statusText": kString, "status": kString, "freeSwitchExtension": kString, "active": kBool,
	"requirePasswordChange": kBool, "setRandomPassword": kBool, "sendWelcomeEmail": kBool, "verified": kBool,
	"roles": kStringArray, "customFields": kObject,
}}

// handleUpdate is POST users.update (2FA already passed): saveUser with validateUserEditing's
// permission checks, each refused as 400 error-action-not-allowed.
func handleUpdate(s *Server, c *call) (map[string]any, error) {
	if err := updateSchema.validate(c.body); err != nil {
		return nil, err
	}
	data := c.body["data"].(map[string]any)
	if err := updateDataSchema.validate(data); err != nil {
		return nil, err
	}
	u := s.st.users[bstr(c.body, "userId")]
	if u == nil {
		return nil, meteorErr("error-invalid-user", "Invalid user", map[string]any{"method": "insertOrUpdateUser"})
	}
	self := u == c.user
	if !self && !s.can(c.user, "edit-other-user-info") {
		return nil, errActionNotAllowed("Editing_user")
	}
	if _, ok := data["roles"]; ok && !s.can(c.user, "assign-roles") {
		return nil, errActionNotAllowed("Assign_role")
	}
	if _, ok := data["password"]; ok && !self && !s.can(c.user, "edit-other-user-password") {
		return nil, errActionNotAllowed("Edit_user_password")
	}
	if _, ok := data["active"]; ok && !s.can(c.user, "edit-other-user-active-status") {
		return nil, errActionNotAllowed("Edit_user_active_status")
	}
	if n, ok := data["name"].(string); ok && !validName(n) {
		return nil, failure("Name contains invalid characters")
	}
	if st, ok := data["status"].(string); ok && !validStatuses[st] {
		return nil, meteorErr("error-invalid-status", "Invalid status", nil)
	}
	if err := s.checkNewIdentity(bstr(data, "username"), bstr(data, "email"), u); err != nil {
		return nil, err
	}
	if a, ok := bbool(data, "active"); ok && !a && len(s.st.soleOwnerTeams(u.ID)) > 0 {
		if confirm, _ := bbool(c.body, "confirmRelinquish"); !confirm {
			return nil, s.lastOwnerErr(u)
		}
	}
	s.applyProfile(u, data)
	if pw, ok := data["password"].(string); ok {
		u.PasswordSHA = sha256Hex(pw)
	}
	if v, ok := data["roles"]; ok {
		u.Roles = toStrings(v)
	}
	if v, ok := bbool(data, "requirePasswordChange"); ok {
		u.RequirePassChange = v
	}
	if v, ok := bbool(data, "verified"); ok && len(u.Emails) > 0 {
		u.Emails[0].Verified = v
	}
	if v, ok := data["customFields"].(map[string]any); ok {
		u.CustomFields = v
	}
	if v, ok := data["freeSwitchExtension"].(string); ok {
		u.FreeSwitchExtension = v
	}
	if v, ok := data["status"].(string); ok {
		u.Status, u.StatusDefault = v, v
	}
	if a, ok := bbool(data, "active"); ok {
		s.setActive(u, a, "deactivated")
	}
	u.UpdatedAt = s.clock()
	return map[string]any{"user": s.forcedProjection(c.user, fullDoc(u))}, nil
}

// applyProfile copies the profile strings shared by update and updateOwnBasicInfo.
func (s *Server) applyProfile(u *user, data map[string]any) {
	if v, ok := data["name"].(string); ok {
		u.Name = v
	}
	if v, ok := data["username"].(string); ok && v != "" {
		u.Username = v
	}
	if v, ok := data["email"].(string); ok && v != "" {
		if len(u.Emails) == 0 || !strings.EqualFold(u.Emails[0].Address, v) {
			u.Emails = []email{{Address: lower(v)}}
		}
	}
	if v, ok := data["bio"].(string); ok {
		u.Bio = v
	}
	if v, ok := data["nickname"].(string); ok {
		u.Nickname = v
	}
	if v, ok := data["statusText"].(string); ok {
		u.StatusText = v
	}
}

// setActive (de)activates a user: deactivation logs the user out and sets it offline;
// re-activation leaves inactiveReason null.
func (s *Server) setActive(u *user, active bool, reason string) {
	if u.Active == active {
		return
	}
	u.Active = active
	if active {
		u.InactiveReason, u.InactiveReasonNull = nil, true
		return
	}
	u.InactiveReason, u.InactiveReasonNull = &reason, false
	u.Status, u.StatusConnection = "offline", "offline"
	u.Tokens = nil
	u.UpdatedAt = s.clock()
}

func (s *Server) lastOwnerErr(u *user) error {
	var names []string
	for _, t := range s.st.soleOwnerTeams(u.ID) {
		names = append(names, t.Name)
	}
	return meteorErr("user-last-owner", "", map[string]any{"shouldChangeOwner": names, "shouldBeRemoved": []string{}})
}

var ownBasicSchema = bodySchema{strict: true, required: []string{"data"}, props: map[string]kind{"data": kObject, "customFields": kObject}}
var ownBasicDataSchema = bodySchema{strict: true, props: map[string]kind{
	"email": kString, "name": kString, "username": kString, "nickname": kString, "bio": kString, "statusText": kString,
	"statusType": kString, "currentPassword": kString, "newPassword": kString,
}}

// handleUpdateOwnBasicInfo is POST users.updateOwnBasicInfo: changing e-mail or password runs
// the profile method's 2FA with currentPassword as a password-method code (hex SHA-256).
func handleUpdateOwnBasicInfo(s *Server, c *call) (map[string]any, error) {
	if err := ownBasicSchema.validate(c.body); err != nil {
		return nil, err
	}
	data := c.body["data"].(map[string]any)
	if err := ownBasicDataSchema.validate(data); err != nil {
		return nil, err
	}
	u := c.user
	newMail, _ := data["email"].(string)
	newPass, _ := data["newPassword"].(string)
	mailChange := newMail != "" && (len(u.Emails) == 0 || !strings.EqualFold(u.Emails[0].Address, newMail))
	if mailChange || newPass != "" {
		code := bstr(data, "currentPassword")
		method := "password"
		if code == "" {
			code, method = c.r.Header.Get("x-2fa-code"), c.r.Header.Get("x-2fa-method")
		}
		if err := s.checkTwoFactor(c, code, method); err != nil {
			return nil, err
		}
	}
	if n, ok := data["name"].(string); ok && !validName(n) {
		return nil, failure("Name contains invalid characters")
	}
	if st, ok := data["statusType"].(string); ok && !validStatuses[st] {
		return nil, meteorErr("error-invalid-status", "Invalid status", nil)
	}
	if err := s.checkNewIdentity(bstr(data, "username"), bstr(data, "email"), u); err != nil {
		return nil, err
	}
	s.applyProfile(u, data)
	if newPass != "" {
		u.PasswordSHA = sha256Hex(newPass)
	}
	if st, ok := data["statusType"].(string); ok {
		u.Status, u.StatusDefault = st, st
	}
	if cf, ok := c.body["customFields"].(map[string]any); ok {
		u.CustomFields = cf
	}
	u.UpdatedAt = s.clock()
	return map[string]any{"user": ownDoc(u)}, nil
}

var setActiveSchema = bodySchema{strict: true, required: []string{"userId", "activeStatus"}, props: map[string]kind{
	"userId": kString, "activeStatus": kBool, "confirmRelinquish": kBool,
}}

// handleSetActiveStatus is POST users.setActiveStatus (route permission checked already).
func handleSetActiveStatus(s *Server, c *call) (map[string]any, error) {
	if err := setActiveSchema.validate(c.body); err != nil {
		return nil, err
	}
	u := s.st.users[bstr(c.body, "userId")]
	if u == nil {
		return nil, errInvalidUser()
	}
	active, _ := bbool(c.body, "activeStatus")
	if !active && len(s.st.soleOwnerTeams(u.ID)) > 0 {
		if confirm, _ := bbool(c.body, "confirmRelinquish"); !confirm {
			return nil, s.lastOwnerErr(u)
		}
	}
	s.setActive(u, active, "deactivated")
	u.UpdatedAt = s.clock()
	return map[string]any{"user": map[string]any{"_id": u.ID, "active": u.Active}}, nil
}

var deactivateIdleSchema = bodySchema{strict: true, required: []string{"daysIdle"}, props: map[string]kind{"daysIdle": kNumber, "role": kString}}

// handleDeactivateIdle is POST users.deactivateIdle: active users with the role whose last login
// is older than daysIdle days (users who never logged in are left alone, as in the Mongo query).
func handleDeactivateIdle(s *Server, c *call) (map[string]any, error) {
	if err := deactivateIdleSchema.validate(c.body); err != nil {
		return nil, err
	}
	days := c.body["daysIdle"].(float64)
	role := bstr(c.body, "role")
	if role == "" {
		role = "user"
	}
	cutoff := s.clock().Add(-time.Duration(days * float64(24*time.Hour)))
	n := 0
	for _, u := range s.st.all() {
		if u.Active && hasRole(u, role) && u.LastLogin != nil && !u.LastLogin.After(cutoff) {
			s.setActive(u, false, "idle_too_long")
			n++
		}
	}
	return map[string]any{"count": n}, nil
}

// handleDelete is POST users.delete (delete-user checked by the route).
func handleDelete(s *Server, c *call) (map[string]any, error) {
	if v, ok := c.body["confirmRelinquish"]; ok {
		if _, isBool := v.(bool); !isBool {
			return nil, invalidParams("must be boolean")
		}
	}
	u, err := s.userFromParams(c.bget)
	if err != nil {
		return nil, err
	}
	return s.deleteUser(c, u)
}

func (s *Server) deleteUser(c *call, u *user) (map[string]any, error) {
	if len(s.st.soleOwnerTeams(u.ID)) > 0 {
		if confirm, _ := bbool(c.body, "confirmRelinquish"); !confirm {
			return nil, s.lastOwnerErr(u)
		}
	}
	s.st.remove(u.ID)
	return map[string]any{"deletedRooms": []any{}}, nil
}

var deleteOwnSchema = bodySchema{strict: true, required: []string{"password"}, props: map[string]kind{"password": kString, "confirmRelinquish": kBool}}

// handleDeleteOwnAccount is POST users.deleteOwnAccount: password is the hex SHA-256 of the
// plain password (of the username for accounts without a password).
func handleDeleteOwnAccount(s *Server, c *call) (map[string]any, error) {
	if err := deleteOwnSchema.validate(c.body); err != nil {
		return nil, err
	}
	given := lower(bstr(c.body, "password"))
	u := c.user
	if u.PasswordSHA == "" {
		if given != sha256Hex(u.Username) {
			return nil, meteorErr("error-invalid-username", "Invalid username", map[string]any{"method": "deleteUserOwnAccount"})
		}
	} else if given != u.PasswordSHA {
		return nil, meteorErr("error-invalid-password", "Invalid password", map[string]any{"method": "deleteUserOwnAccount"})
	}
	if _, err := s.deleteUser(c, u); err != nil {
		return nil, err
	}
	return nil, nil
}
