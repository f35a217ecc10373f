package emulator

// preCreateToken is users.createToken's typed body validation (before auth).
func preCreateToken(c *call) error {
	bs := bodySchema{strict: true, required: []string{"userId", "secret"}, props: map[string]kind{"userId": kNonEmptyString, "secret": kNonEmptyString}}
	if msgs := bs.check(c.body); len(msgs) > 0 {
		return typedInvalidParams(msgs...)
	}
	return nil
}

// handleCreateToken is POST users.createToken (8.x): the secret must equal
// CREATE_TOKENS_FOR_USERS_SECRET (Options.CreateTokensSecret); unset refuses everybody.
func handleCreateToken(s *Server, c *call) (map[string]any, error) {
	if s.opts.CreateTokensSecret == "" || c.bget("secret") != s.opts.CreateTokensSecret {
		return nil, meteorErr("error-not-authorized", "Not authorized", nil)
	}
	u := s.st.users[c.bget("userId")]
	if u == nil {
		return nil, errInvalidUser()
	}
	tok, err := newSecret()
	if err != nil {
		return nil, err
	}
	u.Tokens = append(u.Tokens, &loginToken{Hashed: hashToken(tok), When: s.clock()})
	return map[string]any{"data": map[string]any{"userId": u.ID, "authToken": tok}}, nil
}

func findPAT(u *user, name string) *loginToken {
	for _, t := range u.Tokens {
		if t.PAT && t.Name == name {
			return t
		}
	}
	return nil
}

func (s *Server) newPAT(u *user, name string, bypass bool) (string, error) {
	tok, err := newSecret()
	if err != nil {
		return "", err
	}
	u.Tokens = append(u.Tokens, &loginToken{Hashed: hashToken(tok), PAT: true, Name: name, CreatedAt: s.clock(),
		LastTokenPart: tok[len(tok)-6:], Bypass2FA: bypass})
	return tok, nil
}

func patNotAuthorized(method string) error {
	return meteorErr("not-authorized", "Not Authorized", map[string]any{"method": method})
}

// handleGeneratePAT is POST users.generatePersonalAccessToken (2FA passed): the token is
// returned once; only its hash and last six characters are kept.
func handleGeneratePAT(s *Server, c *call) (map[string]any, error) {
	name := c.bget("tokenName")
	if name == "" {
		return nil, failure("The 'tokenName' param is required")
	}
	if !s.can(c.user, "create-personal-access-tokens") {
		return nil, patNotAuthorized("personalAccessTokens:generateToken")
	}
	if findPAT(c.user, name) != nil {
		return nil, meteorErr("error-token-already-exists", "A token with this name already exists", map[string]any{"method": "personalAccessTokens:generateToken"})
	}
	bypass, _ := bbool(c.body, "bypassTwoFactor")
	tok, err := s.newPAT(c.user, name, bypass)
	if err != nil {
		return nil, err
	}
	return map[string]any{"token": tok}, nil
}

// handleRegeneratePAT is POST users.regeneratePersonalAccessToken: same name and bypass flag,
// new secret.
func handleRegeneratePAT(s *Server, c *call) (map[string]any, error) {
	name := c.bget("tokenName")
	if name == "" {
		return nil, failure("The 'tokenName' param is required")
	}
	if !s.can(c.user, "create-personal-access-tokens") {
		return nil, patNotAuthorized("personalAccessTokens:regenerateToken")
	}
	old := findPAT(c.user, name)
	if old == nil {
		return nil, meteorErr("error-token-does-not-exists", "Token does not exist", map[string]any{"method": "personalAccessTokens:regenerateToken"})
	}
	removeToken(c.user, old)
	tok, err := s.newPAT(c.user, name, old.Bypass2FA)
	if err != nil {
		return nil, err
	}
	return map[string]any{"token": tok}, nil
}

func removeToken(u *user, t *loginToken) {
	for i, x := range u.Tokens {
		if x == t {
			u.Tokens = append(u.Tokens[:i], u.Tokens[i+1:]...)
			return
		}
	}
}

// handleRemovePAT is POST users.removePersonalAccessToken.
func handleRemovePAT(s *Server, c *call) (map[string]any, error) {
	name := c.bget("tokenName")
	if name == "" {
		return nil, failure("The 'tokenName' param is required")
	}
	if !s.can(c.user, "create-personal-access-tokens") {
		return nil, patNotAuthorized("personalAccessTokens:removeToken")
	}
	t := findPAT(c.user, name)
	if t == nil {
		return nil, meteorErr("error-token-does-not-exists", "Token does not exist", map[string]any{"method": "personalAccessTokens:removeToken"})
	}
	removeToken(c.user, t)
	return nil, nil
}

// handleListPATs is GET users.getPersonalAccessTokens: metadata only, never the secret.
func handleListPATs(s *Server, c *call) (map[string]any, error) {
	tokens := []any{}
	for _, t := range c.user.Tokens {
		if t.PAT {
			tokens = append(tokens, map[string]any{"name": t.Name, "createdAt": isoDate(t.CreatedAt),
				"lastTokenPart": t.LastTokenPart, "bypassTwoFactor": t.Bypass2FA})
		}
	}
	return map[string]any{"tokens": tokens}, nil
}

// handleLogout is POST users.logout: clears every stored token of the user (PATs included, as
// unsetLoginTokens does). Another user needs logout-other-user.
func handleLogout(s *Server, c *call) (map[string]any, error) {
	if v, ok := c.body["userId"]; ok {
		if _, isStr := v.(string); !isStr {
			return nil, invalidParams("must be string")
		}
	}
	id := c.bget("userId")
	if id == "" {
		id = c.user.ID
	}
	if id != c.user.ID && !s.can(c.user, "logout-other-user") {
		return nil, forbidden()
	}
	u := s.st.users[id]
	if u == nil || len(u.Tokens) == 0 {
		return nil, meteorErr("error-invalid-user-id", "Invalid user id", nil)
	}
	u.Tokens = nil
	return map[string]any{"message": "User " + id + " has been logged out!"}, nil
}

// handleLogoutOtherClients is POST users.logoutOtherClients: keeps the current token and PATs.
func handleLogoutOtherClients(s *Server, c *call) (map[string]any, error) {
	kept := c.user.Tokens[:0]
	for _, t := range c.user.Tokens {
		if t.PAT || t == c.token {
			kept = append(kept, t)
		}
	}
	c.user.Tokens = kept
	expires := ""
	if !c.token.PAT {
		expires = isoDate(c.token.When.Add(loginTokenLifetime))
	}
	return map[string]any{"token": c.rawTok, "tokenExpires": expires}, nil
}

// handleRemoveOtherTokens is POST users.removeOtherTokens: removeNonLoginTokensExcept drops the
// caller's other login tokens (PATs survive) and the handler passes the Mongo update result
// through, so the body carries acknowledged/matchedCount/modifiedCount next to success.
func handleRemoveOtherTokens(s *Server, c *call) (map[string]any, error) {
	before := len(c.user.Tokens)
	kept := c.user.Tokens[:0]
	for _, t := range c.user.Tokens {
		if t.PAT || t == c.token {
			kept = append(kept, t)
		}
	}
	c.user.Tokens = kept
	modified := 0
	if len(kept) != before {
		modified = 1
	}
	return map[string]any{"acknowledged": true, "matchedCount": 1, "modifiedCount": modified, "upsertedCount": 0, "upsertedId": nil}, nil
}

// resetTarget resolves the optional userId/username/user of resetE2EKey/resetTOTP; naming
// someone else needs perm (400 error-not-allowed otherwise).
func (s *Server) resetTarget(c *call, perm string) (*user, error) {
	for _, k := range []string{"userId", "username", "user"} {
		if v, ok := c.body[k]; ok {
			if _, isStr := v.(string); !isStr {
				return nil, invalidParams("must be string")
			}
		}
	}
	if isUserFromParams(c.bget, c.user) {
		return c.user, nil
	}
	if !s.can(c.user, perm) {
		return nil, errNotAllowed()
	}
	return s.userFromParams(c.bget)
}

// handleResetE2EKey is POST users.resetE2EKey. Resetting someone else also logs them out.
func handleResetE2EKey(s *Server, c *call) (map[string]any, error) {
	u, err := s.resetTarget(c, "edit-other-user-e2ee")
	if err != nil {
		return nil, err
	}
	u.E2EKey = false
	if u != c.user {
		u.Tokens = nil
	}
	return nil, nil
}

// handleResetTOTP is POST users.resetTOTP: turns TOTP off. Resetting someone else also logs them
// out.
func handleResetTOTP(s *Server, c *call) (map[string]any, error) {
	u, err := s.resetTarget(c, "edit-other-user-totp")
	if err != nil {
		return nil, err
	}
	u.TOTPEnabled, u.TOTPSecret = false, ""
	if u != c.user {
		u.Tokens = nil
	}
	return nil, nil
}
