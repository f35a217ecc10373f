package emulator

import (
	"net/http"
	"strings"
	"time"
)

// loginTokenLifetime is Meteor's default login expiration (90 days). PATs never expire.
const loginTokenLifetime = 90 * 24 * time.Hour

// rolePermissions is the emulator's permission model (behaviour doc §9). Rocket.Chat ships these
// defaults for the permissions the Users endpoints check:
//
//   - admin: every permission listed below, including view-full-other-user-info, create-user,
//     delete-user, send-mail, the edit-other-user-* family and api-bypass-rate-limit.
//   - user: view-d-room, view-outside-room, create-personal-access-tokens — an ordinary member can
//     list users, see their public profiles and manage their own tokens, nothing about others.
//   - bot: view-d-room, view-outside-room, view-full-other-user-info, api-bypass-rate-limit — bots
//     integrate with the workspace and are exempt from the limiter (only with
//     RateLimitConfig.BypassAdmins, see ratelimit.go).
var rolePermissions = map[string][]string{
	"admin": allPermissions,
	"user":  {"view-d-room", "view-outside-room", "create-personal-access-tokens"},
	"bot":   {"view-d-room", "view-outside-room", "view-full-other-user-info", "api-bypass-rate-limit"},
}

var allPermissions = []string{
	"view-d-room", "view-outside-room", "view-full-other-user-info", "view-other-user-channels",
	"view-all-teams", "create-user", "edit-other-user-info", "assign-roles", "edit-other-user-password",
	"edit-other-user-active-status", "manage-moderation-actions", "delete-user", "edit-other-user-avatar",
	"edit-other-user-e2ee", "edit-other-user-totp", "logout-other-user", "create-personal-access-tokens",
	"send-mail", "api-bypass-rate-limit", "view-user-voip-extension",
}

func (s *Server) can(u *user, perm string) bool {
	if u == nil {
		return false
	}
	for _, r := range u.Roles {
		for _, p := range rolePermissions[r] {
			if p == perm {
				return true
			}
		}
	}
	return false
}

func (s *Server) canAll(u *user, perms []string) bool {
	for _, p := range perms {
		if !s.can(u, p) {
			return false
		}
	}
	return true
}

func (s *Server) canAny(u *user, perms []string) bool {
	for _, p := range perms {
		if s.can(u, p) {
			return true
		}
	}
	return false
}

// authenticate resolves X-User-Id + X-Auth-Token to a user the way ApiClass does: the token is
// hashed and must be one of that user's stored login tokens or PATs. Expired login tokens and
// deactivated users do not authenticate.
func (s *Server) authenticate(r *http.Request) (*user, *loginToken, string) {
	uid, tok := r.Header.Get("X-User-Id"), r.Header.Get("X-Auth-Token")
	if uid == "" || tok == "" {
		return nil, nil, ""
	}
	u := s.st.users[uid]
	if u == nil || !u.Active {
		return nil, nil, ""
	}
	h := hashToken(tok)
	for _, t := range u.Tokens {
		if t.Hashed != h {
			continue
		}
		if !t.PAT && s.clock().After(t.When.Add(loginTokenLifetime)) {
			return nil, nil, ""
		}
		return u, t, tok
	}
	return nil, nil, ""
}

// loginError is the legacy-shaped body /api/v1/login answers with (status:error, not success:false).
func loginError(w http.ResponseWriter, errCode, msg string, details map[string]any) {
	body := map[string]any{"status": "error", "error": errCode, "message": msg}
	if details != nil {
		body["details"] = details
	}
	writeJSON(w, http.StatusUnauthorized, body)
}

// handleLogin is POST /api/v1/login: {user|username, password, code?} or {resume}. It issues a
// login token and answers {status:"success", data:{userId, authToken, me}}. TOTP users must send
// code; everybody else logs in with the password alone (the password 2FA fallback does not apply
// to the login method itself).
func handleLogin(s *Server, c *call) (map[string]any, error) {
	w := c.w
	b := c.body
	var u *user
	if resume, ok := b["resume"].(string); ok && resume != "" {
		h := hashToken(resume)
		for _, cand := range s.st.all() {
			for _, t := range cand.Tokens {
				if t.Hashed == h && (t.PAT || !s.clock().After(t.When.Add(loginTokenLifetime))) {
					u = cand
				}
			}
		}
		if u == nil {
			loginError(w, "Unauthorized", "Unauthorized", nil)
			return nil, errHandled
		}
		if !u.Active {
			loginError(w, "error-user-is-not-activated", "User is not activated", nil)
			return nil, errHandled
		}
		s.writeLoginSuccess(w, u, resume)
		return nil, errHandled
	}
	ident, _ := b["user"].(string)
	if ident == "" {
		ident, _ = b["username"].(string)
	}
	if ident == "" {
		ident, _ = b["email"].(string)
	}
	if ident != "" {
		u = s.st.byUsername(ident)
		if u == nil && strings.Contains(ident, "@") {
			u = s.st.byEmail(ident)
		}
	}
	var digest string
	switch p := b["password"].(type) {
	case string:
		digest = sha256Hex(p)
	case map[string]any: // Meteor's {digest, algorithm:"sha-256"} form
		if d, ok := p["digest"].(string); ok {
			digest = strings.ToLower(d)
		}
	}
	if u == nil || u.PasswordSHA == "" || digest != u.PasswordSHA {
		loginError(w, "Unauthorized", "Unauthorized", nil)
		return nil, errHandled
	}
	if !u.Active {
		loginError(w, "error-user-is-not-activated", "User is not activated", nil)
		return nil, errHandled
	}
	if u.TOTPEnabled {
		code, _ := b["code"].(string)
		if code == "" {
			loginError(w, "totp-required", "TOTP Required", map[string]any{
				"method": "totp", "codeGenerated": false, "availableMethods": []string{"totp"},
			})
			return nil, errHandled
		}
		if !verifyTOTP(u.TOTPSecret, code, s.clock()) {
			loginError(w, "totp-invalid", "TOTP Invalid", map[string]any{"method": "totp"})
			return nil, errHandled
		}
	}
	tok, err := newSecret()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	u.Tokens = append(u.Tokens, &loginToken{Hashed: hashToken(tok), When: now})
	u.LastLogin = &now
	s.writeLoginSuccess(w, u, tok)
	return nil, errHandled
}

func (s *Server) writeLoginSuccess(w http.ResponseWriter, u *user, tok string) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "success",
		"data":   map[string]any{"userId": u.ID, "authToken": tok, "me": s.infoDoc(u, u)},
	})
}
