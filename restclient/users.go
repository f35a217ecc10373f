package restclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// SHA256Hex returns the lower-case hex SHA-256 of s: the form Rocket.Chat
// expects for the password 2FA method, updateOwnBasicInfo's currentPassword
// and deleteOwnAccount's password.
func SHA256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// missing reports a 2xx answer that lacks the key the method returns, so no
// method ever returns (nil, nil).
func missing(key string) error {
	return &DecodeError{StatusCode: http.StatusOK, Err: fmt.Errorf("response has no %q", key)}
}

func (s *UsersService) get(ctx context.Context, endpoint string, q url.Values, v any) error {
	return s.c.Do(ctx, &Request{Method: http.MethodGet, Endpoint: endpoint, Query: q}, v)
}

func (s *UsersService) post(ctx context.Context, endpoint string, body, v any) error {
	return s.c.Do(ctx, &Request{Method: http.MethodPost, Endpoint: endpoint, Body: body}, v)
}

func selectorQuery(sel UserSelector) url.Values {
	q := url.Values{}
	if sel.UserID != "" {
		q.Set("userId", sel.UserID)
	}
	if sel.Username != "" {
		q.Set("username", sel.Username)
	}
	return q
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func setPaging(q url.Values, offset, count int) {
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if count > 0 {
		q.Set("count", strconv.Itoa(count))
	}
}

type userResp struct {
	envelope
	User *userWire `json:"user"`
}

func (r *userResp) result() (*User, error) {
	if r.User == nil {
		return nil, missing("user")
	}
	u := r.User.user()
	return &u, nil
}

// Info returns one user: GET /api/v1/users.info.
func (s *UsersService) Info(ctx context.Context, opts InfoOptions) (*User, error) {
	q := make(url.Values, 2)
	setIf(q, "userId", opts.UserID)
	setIf(q, "username", opts.Username)
	setIf(q, "importId", opts.ImportID)
	setIf(q, "email", opts.Email)
	setIf(q, "freeSwitchExtension", opts.FreeSwitchExtension)
	if opts.IncludeUserRooms {
		q.Set("includeUserRooms", "true")
	}
	var r userResp
	if err := s.get(ctx, "users.info", q, &r); err != nil {
		return nil, err
	}
	return r.result()
}

type pageResp struct {
	envelope
	Users  []userWire `json:"users"`
	Count  int        `json:"count"`
	Offset int        `json:"offset"`
	Total  int        `json:"total"`
}

func (r *pageResp) result() (*UserPage, error) {
	if r.Users == nil {
		return nil, missing("users")
	}
	p := &UserPage{Users: make([]User, len(r.Users)), Count: r.Count, Offset: r.Offset, Total: r.Total}
	for i := range r.Users {
		p.Users[i] = r.Users[i].user()
	}
	return p, nil
}

// List returns one page of users: GET /api/v1/users.list.
func (s *UsersService) List(ctx context.Context, opts ListOptions) (*UserPage, error) {
	q := make(url.Values, 6)
	setPaging(q, opts.Offset, opts.Count)
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	if opts.Query != "" {
		q.Set("query", opts.Query)
	}
	if opts.Fields != "" {
		q.Set("fields", opts.Fields)
	}
	if opts.Email != "" {
		q.Set("email", opts.Email)
	}
	var r pageResp
	if err := s.get(ctx, "users.list", q, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// ListByStatus returns one page of users filtered by activity, roles and a
// search term: GET /api/v1/users.listByStatus.
func (s *UsersService) ListByStatus(ctx context.Context, opts ListByStatusOptions) (*UserPage, error) {
	q := url.Values{}
	setPaging(q, opts.Offset, opts.Count)
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if opts.HasLoggedIn != nil {
		q.Set("hasLoggedIn", strconv.FormatBool(*opts.HasLoggedIn))
	}
	if opts.Type != "" {
		q.Set("type", opts.Type)
	}
	if len(opts.Roles) > 0 {
		q["roles[]"] = opts.Roles
	}
	if opts.SearchTerm != "" {
		q.Set("searchTerm", opts.SearchTerm)
	}
	if len(opts.InactiveReason) > 0 {
		q["inactiveReason[]"] = opts.InactiveReason
	}
	if opts.Sort != "" {
		q.Set("sort", opts.Sort)
	}
	var r pageResp
	if err := s.get(ctx, "users.listByStatus", q, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// Autocomplete returns up to 10 users matching a term: GET /api/v1/users.autocomplete.
func (s *UsersService) Autocomplete(ctx context.Context, opts AutocompleteOptions) ([]AutocompleteItem, error) {
	sel := struct {
		Term       string         `json:"term"`
		Exceptions []string       `json:"exceptions,omitempty"`
		Conditions map[string]any `json:"conditions,omitempty"`
	}{opts.Term, opts.Exceptions, opts.Conditions}
	b, err := json.Marshal(sel)
	if err != nil {
		return nil, fmt.Errorf("restclient: users.autocomplete: encode selector: %w", err)
	}
	var r struct {
		envelope
		Items []AutocompleteItem `json:"items"`
	}
	if err := s.get(ctx, "users.autocomplete", url.Values{"selector": {string(b)}}, &r); err != nil {
		return nil, err
	}
	if r.Items == nil {
		return nil, missing("items")
	}
	return r.Items, nil
}

// ListTeams returns the teams a user belongs to: GET /api/v1/users.listTeams.
func (s *UsersService) ListTeams(ctx context.Context, userID string) ([]Team, error) {
	var r struct {
		envelope
		Teams []Team `json:"teams"`
	}
	if err := s.get(ctx, "users.listTeams", url.Values{"userId": {userID}}, &r); err != nil {
		return nil, err
	}
	if r.Teams == nil {
		return nil, missing("teams")
	}
	return r.Teams, nil
}

// CheckUsernameAvailability reports whether a username is free:
// GET /api/v1/users.checkUsernameAvailability.
func (s *UsersService) CheckUsernameAvailability(ctx context.Context, username string) (bool, error) {
	var r struct {
		envelope
		Result *bool `json:"result"`
	}
	if err := s.get(ctx, "users.checkUsernameAvailability", url.Values{"username": {username}}, &r); err != nil {
		return false, err
	}
	if r.Result == nil {
		return false, missing("result")
	}
	return *r.Result, nil
}

// GetUsernameSuggestion proposes a username for the caller:
// GET /api/v1/users.getUsernameSuggestion.
func (s *UsersService) GetUsernameSuggestion(ctx context.Context) (string, error) {
	var r struct {
		envelope
		Result *string `json:"result"`
	}
	if err := s.get(ctx, "users.getUsernameSuggestion", nil, &r); err != nil {
		return "", err
	}
	if r.Result == nil {
		return "", missing("result")
	}
	return *r.Result, nil
}

// Presence returns the presence of many users: GET /api/v1/users.presence.
func (s *UsersService) Presence(ctx context.Context, opts PresenceOptions) (*PresenceResult, error) {
	q := url.Values{}
	if opts.From != nil {
		q.Set("from", opts.From.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	}
	if len(opts.IDs) > 0 {
		q.Set("ids", strings.Join(opts.IDs, ","))
	}
	var r struct {
		envelope
		Users []PresenceEntry `json:"users"`
		Full  bool            `json:"full"`
	}
	if err := s.get(ctx, "users.presence", q, &r); err != nil {
		return nil, err
	}
	if r.Users == nil {
		return nil, missing("users")
	}
	return &PresenceResult{Users: r.Users, Full: r.Full}, nil
}

// GetPresence returns one user's presence (empty selector = yourself):
// GET /api/v1/users.getPresence.
func (s *UsersService) GetPresence(ctx context.Context, sel UserSelector) (*PresenceStatus, error) {
	var r struct {
		envelope
		Presence         *string `json:"presence"`
		ConnectionStatus string  `json:"connectionStatus"`
		LastLogin        optTime `json:"lastLogin"`
	}
	if err := s.get(ctx, "users.getPresence", selectorQuery(sel), &r); err != nil {
		return nil, err
	}
	if r.Presence == nil {
		return nil, missing("presence")
	}
	return &PresenceStatus{Presence: *r.Presence, ConnectionStatus: r.ConnectionStatus, LastLogin: r.LastLogin.ptr()}, nil
}

// GetStatus returns one user's status (empty selector = yourself):
// GET /api/v1/users.getStatus.
func (s *UsersService) GetStatus(ctx context.Context, sel UserSelector) (*UserStatusResult, error) {
	var r struct {
		envelope
		ID               string  `json:"_id"`
		Status           *string `json:"status"` // shadows the legacy envelope key
		ConnectionStatus string  `json:"connectionStatus"`
		StatusSource     string  `json:"statusSource"`
		StatusExpiresAt  optTime `json:"statusExpiresAt"`
	}
	if err := s.get(ctx, "users.getStatus", selectorQuery(sel), &r); err != nil {
		return nil, err
	}
	if r.Status == nil {
		return nil, missing("status")
	}
	return &UserStatusResult{
		ID: r.ID, Status: *r.Status, ConnectionStatus: r.ConnectionStatus,
		StatusSource: r.StatusSource, StatusExpiresAt: r.StatusExpiresAt.ptr(),
	}, nil
}

// SetStatus sets a status and/or status message: POST /api/v1/users.setStatus.
func (s *UsersService) SetStatus(ctx context.Context, req SetStatusRequest) error {
	return s.post(ctx, "users.setStatus", req, nil)
}

// GetAvatar returns the URL users.getAvatar redirects to (its 307 Location):
// GET /api/v1/users.getAvatar. Redirects are never followed.
func (s *UsersService) GetAvatar(ctx context.Context, sel UserSelector) (string, error) {
	r := &Request{Method: http.MethodGet, Endpoint: "users.getAvatar", Query: selectorQuery(sel)}
	resp, cancel, err := s.c.send(ctx, r)
	if err != nil {
		return "", err
	}
	defer cancel()
	defer closeBody(resp.Body)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified {
		loc, err := resp.Location()
		if err != nil {
			return "", &DecodeError{StatusCode: resp.StatusCode, Err: fmt.Errorf("redirect without usable Location: %w", err)}
		}
		return loc.String(), nil
	}
	// A 2xx carries the URL as a JSON string body; anything else is an error.
	var u string
	if err := DecodeResponse(resp, s.c.maxBytes, &u); err != nil {
		return "", err
	}
	if u == "" {
		return "", missing("location")
	}
	return u, nil
}

// SetAvatarURL makes the server fetch an avatar from a URL:
// POST /api/v1/users.setAvatar (JSON form).
func (s *UsersService) SetAvatarURL(ctx context.Context, req SetAvatarURLRequest) error {
	return s.post(ctx, "users.setAvatar", req, nil)
}

// UploadAvatar uploads an image as the avatar (multipart field "image", plus
// userId/username for someone else): POST /api/v1/users.setAvatar.
func (s *UsersService) UploadAvatar(ctx context.Context, sel UserSelector, filename, contentType string, image io.Reader) error {
	if image == nil {
		return errors.New("restclient: users.setAvatar: nil image")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if sel.UserID != "" {
		_ = mw.WriteField("userId", sel.UserID)
	}
	if sel.Username != "" {
		_ = mw.WriteField("username", sel.Username)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h := make(textproto.MIMEHeader, 2)
	h.Set("Content-Disposition", `form-data; name="image"; filename="`+quoteEscaper.Replace(filename)+`"`)
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return fmt.Errorf("restclient: users.setAvatar: %w", err)
	}
	if _, err := io.Copy(part, image); err != nil {
		return fmt.Errorf("restclient: users.setAvatar: read image: %w", err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("restclient: users.setAvatar: %w", err)
	}
	return s.c.Do(ctx, &Request{
		Method: http.MethodPost, Endpoint: "users.setAvatar",
		RawBody: buf.Bytes(), ContentType: mw.FormDataContentType(),
	}, nil)
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

// ResetAvatar resets a user's avatar to the default: POST /api/v1/users.resetAvatar.
func (s *UsersService) ResetAvatar(ctx context.Context, sel UserSelector) error {
	return s.post(ctx, "users.resetAvatar", sel, nil)
}

// Avatar fetches an avatar image: GET {base}/avatar/{subject} (the web route,
// not under /api/v1). subject is a username, "uid/<id>" or "room/<id>"; each
// path segment is escaped. Non-2xx answers are *ErrorResponse with the status.
func (s *UsersService) Avatar(ctx context.Context, subject string, opts AvatarOptions) (*AvatarImage, error) {
	if subject == "" {
		return nil, errors.New("restclient: avatar: empty subject")
	}
	segs := strings.Split(subject, "/")
	for i, sg := range segs {
		segs[i] = url.PathEscape(sg)
	}
	q := url.Values{}
	if opts.Size > 0 {
		q.Set("size", strconv.Itoa(opts.Size))
	}
	if opts.Format != "" {
		q.Set("format", opts.Format)
	}
	r := &Request{Method: http.MethodGet, Path: "/avatar/" + strings.Join(segs, "/"), Query: q, Accept: "image/*"}
	resp, cancel, err := s.c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer closeBody(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &ErrorResponse{StatusCode: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	}
	max := s.c.maxBytes
	if resp.ContentLength > max {
		return nil, &DecodeError{StatusCode: resp.StatusCode, Err: ErrResponseTooLarge}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &DecodeError{StatusCode: resp.StatusCode, Err: fmt.Errorf("truncated body: %w", err)}
		}
		return nil, &TransportError{Op: r.op(), Err: fmt.Errorf("read body: %w", err)}
	}
	if int64(len(data)) > max {
		return nil, &DecodeError{StatusCode: resp.StatusCode, Err: ErrResponseTooLarge}
	}
	return &AvatarImage{ContentType: resp.Header.Get("Content-Type"), Data: data}, nil
}

// Create creates a user: POST /api/v1/users.create.
func (s *UsersService) Create(ctx context.Context, req CreateUserRequest) (*User, error) {
	var r userResp
	if err := s.post(ctx, "users.create", req, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// Register self-registers a user (no authentication): POST /api/v1/users.register.
func (s *UsersService) Register(ctx context.Context, req RegisterRequest) (*User, error) {
	var r userResp
	if err := s.post(ctx, "users.register", req, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// Update changes a user (2FA protected): POST /api/v1/users.update.
func (s *UsersService) Update(ctx context.Context, req UpdateUserRequest) (*User, error) {
	var r userResp
	if err := s.post(ctx, "users.update", req, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// UpdateOwnBasicInfo changes the caller's profile:
// POST /api/v1/users.updateOwnBasicInfo.
func (s *UsersService) UpdateOwnBasicInfo(ctx context.Context, req UpdateOwnBasicInfoRequest) (*User, error) {
	var r userResp
	if err := s.post(ctx, "users.updateOwnBasicInfo", req, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// GetPreferences returns the caller's preferences: GET /api/v1/users.getPreferences.
func (s *UsersService) GetPreferences(ctx context.Context) (map[string]any, error) {
	var r struct {
		envelope
		Preferences map[string]any `json:"preferences"`
	}
	if err := s.get(ctx, "users.getPreferences", nil, &r); err != nil {
		return nil, err
	}
	if r.Preferences == nil {
		return nil, missing("preferences")
	}
	return r.Preferences, nil
}

// SetPreferences changes preferences and returns the stored ones
// (user.settings.preferences; a top-level "preferences", as in the contract's
// example, is accepted too): POST /api/v1/users.setPreferences.
func (s *UsersService) SetPreferences(ctx context.Context, req SetPreferencesRequest) (map[string]any, error) {
	var r struct {
		envelope
		User *struct {
			Settings *UserSettings `json:"settings"`
		} `json:"user"`
		Preferences map[string]any `json:"preferences"` // shape of the contract's example
	}
	if err := s.post(ctx, "users.setPreferences", req, &r); err != nil {
		return nil, err
	}
	if (r.User == nil || r.User.Settings == nil) && r.Preferences != nil {
		return r.Preferences, nil
	}
	if r.User == nil || r.User.Settings == nil || r.User.Settings.Preferences == nil {
		return nil, missing("user.settings.preferences")
	}
	return r.User.Settings.Preferences, nil
}

// SetActiveStatus activates or deactivates a user: POST /api/v1/users.setActiveStatus.
func (s *UsersService) SetActiveStatus(ctx context.Context, req SetActiveStatusRequest) (*User, error) {
	var r userResp
	if err := s.post(ctx, "users.setActiveStatus", req, &r); err != nil {
		return nil, err
	}
	return r.result()
}

// DeactivateIdle deactivates users idle for DaysIdle days and returns how many:
// POST /api/v1/users.deactivateIdle.
func (s *UsersService) DeactivateIdle(ctx context.Context, req DeactivateIdleRequest) (int, error) {
	var r struct {
		envelope
		Count *int `json:"count"`
	}
	if err := s.post(ctx, "users.deactivateIdle", req, &r); err != nil {
		return 0, err
	}
	if r.Count == nil {
		return 0, missing("count")
	}
	return *r.Count, nil
}

// Delete deletes a user: POST /api/v1/users.delete.
func (s *UsersService) Delete(ctx context.Context, req DeleteUserRequest) error {
	return s.post(ctx, "users.delete", req, nil)
}

// DeleteOwnAccount deletes the caller's account: POST /api/v1/users.deleteOwnAccount.
func (s *UsersService) DeleteOwnAccount(ctx context.Context, req DeleteOwnAccountRequest) error {
	return s.post(ctx, "users.deleteOwnAccount", req, nil)
}

// CreateToken creates a login token for a user: POST /api/v1/users.createToken.
func (s *UsersService) CreateToken(ctx context.Context, req CreateTokenRequest) (*AuthToken, error) {
	var r struct {
		envelope
		Data *AuthToken `json:"data"`
	}
	if err := s.post(ctx, "users.createToken", req, &r); err != nil {
		return nil, err
	}
	if r.Data == nil {
		return nil, missing("data")
	}
	return r.Data, nil
}

type tokenResp struct {
	envelope
	Token *string `json:"token"`
}

func (r *tokenResp) result() (string, error) {
	if r.Token == nil {
		return "", missing("token")
	}
	return *r.Token, nil
}

type tokenNameBody struct {
	TokenName string `json:"tokenName"`
}

// GeneratePersonalAccessToken creates a PAT and returns its secret (shown
// once; 2FA protected): POST /api/v1/users.generatePersonalAccessToken.
func (s *UsersService) GeneratePersonalAccessToken(ctx context.Context, req GeneratePersonalAccessTokenRequest) (string, error) {
	var r tokenResp
	if err := s.post(ctx, "users.generatePersonalAccessToken", req, &r); err != nil {
		return "", err
	}
	return r.result()
}

// RegeneratePersonalAccessToken replaces a PAT's secret (2FA protected):
// POST /api/v1/users.regeneratePersonalAccessToken.
func (s *UsersService) RegeneratePersonalAccessToken(ctx context.Context, tokenName string) (string, error) {
	var r tokenResp
	if err := s.post(ctx, "users.regeneratePersonalAccessToken", tokenNameBody{tokenName}, &r); err != nil {
		return "", err
	}
	return r.result()
}

// RemovePersonalAccessToken deletes a PAT (2FA protected):
// POST /api/v1/users.removePersonalAccessToken.
func (s *UsersService) RemovePersonalAccessToken(ctx context.Context, tokenName string) error {
	return s.post(ctx, "users.removePersonalAccessToken", tokenNameBody{tokenName}, nil)
}

// GetPersonalAccessTokens lists the caller's PATs (without secrets):
// GET /api/v1/users.getPersonalAccessTokens.
func (s *UsersService) GetPersonalAccessTokens(ctx context.Context) ([]PersonalAccessToken, error) {
	var r struct {
		envelope
		Tokens []PersonalAccessToken `json:"tokens"`
	}
	if err := s.get(ctx, "users.getPersonalAccessTokens", nil, &r); err != nil {
		return nil, err
	}
	if r.Tokens == nil {
		return nil, missing("tokens")
	}
	return r.Tokens, nil
}

// Logout logs a user out of all sessions and returns the server's message
// (userID "" = the caller): POST /api/v1/users.logout.
func (s *UsersService) Logout(ctx context.Context, userID string) (string, error) {
	body := struct {
		UserID string `json:"userId,omitempty"`
	}{userID}
	var r struct {
		envelope
		Message string `json:"message"`
	}
	if err := s.post(ctx, "users.logout", body, &r); err != nil {
		return "", err
	}
	return r.Message, nil
}

// LogoutOtherClients drops every login token of the caller but the current
// one: POST /api/v1/users.logoutOtherClients.
func (s *UsersService) LogoutOtherClients(ctx context.Context) (*LogoutOtherClientsResult, error) {
	var r struct {
		envelope
		Token        *string `json:"token"`
		TokenExpires optTime `json:"tokenExpires"`
	}
	if err := s.c.Do(ctx, &Request{Method: http.MethodPost, Endpoint: "users.logoutOtherClients"}, &r); err != nil {
		return nil, err
	}
	if r.Token == nil {
		return nil, missing("token")
	}
	return &LogoutOtherClientsResult{Token: *r.Token, TokenExpires: r.TokenExpires.ptr()}, nil
}

// RemoveOtherTokens drops the caller's other stored tokens:
// POST /api/v1/users.removeOtherTokens.
func (s *UsersService) RemoveOtherTokens(ctx context.Context) error {
	return s.c.Do(ctx, &Request{Method: http.MethodPost, Endpoint: "users.removeOtherTokens"}, nil)
}

// ResetE2EKey resets a user's E2E key (empty selector = yourself; 2FA
// protected): POST /api/v1/users.resetE2EKey.
func (s *UsersService) ResetE2EKey(ctx context.Context, sel UserSelector) error {
	return s.post(ctx, "users.resetE2EKey", sel, nil)
}

// ResetTOTP disables a user's TOTP (empty selector = yourself; 2FA
// protected): POST /api/v1/users.resetTOTP.
func (s *UsersService) ResetTOTP(ctx context.Context, sel UserSelector) error {
	return s.post(ctx, "users.resetTOTP", sel, nil)
}

type emailBody struct {
	Email string `json:"email"`
}

// ForgotPassword sends a password reset email (no authentication):
// POST /api/v1/users.forgotPassword.
func (s *UsersService) ForgotPassword(ctx context.Context, email string) error {
	return s.post(ctx, "users.forgotPassword", emailBody{email}, nil)
}

// SendWelcomeEmail sends the welcome email to an address:
// POST /api/v1/users.sendWelcomeEmail.
func (s *UsersService) SendWelcomeEmail(ctx context.Context, email string) error {
	return s.post(ctx, "users.sendWelcomeEmail", emailBody{email}, nil)
}

// RequestDataDownload starts (or returns the recent) export of the caller's
// data: GET /api/v1/users.requestDataDownload.
func (s *UsersService) RequestDataDownload(ctx context.Context, fullExport bool) (*DataDownload, error) {
	var r struct {
		envelope
		Requested                        *bool            `json:"requested"`
		ExportOperation                  *ExportOperation `json:"exportOperation"`
		URL                              *string          `json:"url"`
		PendingOperationsBeforeMyRequest int              `json:"pendingOperationsBeforeMyRequest"`
	}
	q := url.Values{"fullExport": {strconv.FormatBool(fullExport)}}
	if err := s.get(ctx, "users.requestDataDownload", q, &r); err != nil {
		return nil, err
	}
	if r.Requested == nil || r.ExportOperation == nil {
		return nil, missing("exportOperation")
	}
	return &DataDownload{
		Requested:                        *r.Requested,
		ExportOperation:                  *r.ExportOperation,
		URL:                              r.URL,
		PendingOperationsBeforeMyRequest: r.PendingOperationsBeforeMyRequest,
	}, nil
}

// ReportUser files a moderation report about a user:
// POST /api/v1/moderation.reportUser.
func (s *ModerationService) ReportUser(ctx context.Context, req ReportUserRequest) error {
	return s.c.Do(ctx, &Request{Method: http.MethodPost, Endpoint: "moderation.reportUser", Body: req}, nil)
}

// Login exchanges a username/email and password (and an optional TOTP code)
// for credentials: POST /api/v1/login. No credentials are sent with it.
// A 2FA refusal is detected with IsTwoFactorRequired as on other endpoints.
func (c *Client) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	var r struct {
		envelope
		Data *struct {
			UserID    string    `json:"userId"`
			AuthToken string    `json:"authToken"`
			Me        *userWire `json:"me"`
		} `json:"data"`
	}
	if err := c.Do(ctx, &Request{Method: http.MethodPost, Endpoint: "login", Body: req, Anonymous: true}, &r); err != nil {
		return nil, err
	}
	if r.Data == nil || r.Data.AuthToken == "" || r.Data.UserID == "" {
		return nil, missing("data.authToken")
	}
	res := &LoginResult{UserID: r.Data.UserID, AuthToken: r.Data.AuthToken}
	if r.Data.Me != nil {
		u := r.Data.Me.user()
		res.Me = &u
	}
	return res, nil
}

// ServerInfo returns the server version: GET /api/info.
func (c *Client) ServerInfo(ctx context.Context) (*ServerInfo, error) {
	var r struct {
		envelope
		Version string `json:"version"`
		Info    *struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/info"}, &r); err != nil {
		return nil, err
	}
	if r.Version == "" && r.Info != nil {
		r.Version = r.Info.Version
	}
	if r.Version == "" {
		return nil, missing("version")
	}
	return &ServerInfo{Version: r.Version}, nil
}

// compile-time check that the wrappers see the envelope.
var _ enveloped = (*userResp)(nil)
