package restclient

import (
	"bytes"
	"fmt"
	json "github.com/goccy/go-json"
	"strconv"
	"time"
)

// User is a Rocket.Chat user (core-typings IUser) as the Users endpoints
// return it. Which fields are present depends on the endpoint and on the
// caller's permissions. Secret-bearing keys (services, e2e) are never decoded.
type User struct {
	ID                          string         `json:"_id"`
	Username                    string         `json:"username,omitempty"`
	Name                        string         `json:"name,omitempty"`
	Nickname                    string         `json:"nickname,omitempty"`
	Bio                         string         `json:"bio,omitempty"`
	Type                        string         `json:"type,omitempty"`
	Status                      string         `json:"status,omitempty"`
	StatusText                  string         `json:"statusText,omitempty"`
	StatusDefault               string         `json:"statusDefault,omitempty"`
	StatusConnection            string         `json:"statusConnection,omitempty"`
	StatusSource                string         `json:"statusSource,omitempty"`
	StatusExpiresAt             *time.Time     `json:"statusExpiresAt,omitempty"`
	Language                    string         `json:"language,omitempty"`
	AvatarETag                  string         `json:"avatarETag,omitempty"`
	AvatarOrigin                string         `json:"avatarOrigin,omitempty"`
	AvatarURL                   string         `json:"avatarUrl,omitempty"`
	Reason                      string         `json:"reason,omitempty"`
	FreeSwitchExtension         string         `json:"freeSwitchExtension,omitempty"`
	Phone                       string         `json:"phone,omitempty"`
	InactiveReason              *string        `json:"inactiveReason,omitempty"`
	Emails                      []Email        `json:"emails,omitempty"`
	Active                      *bool          `json:"active,omitempty"`
	Roles                       []string       `json:"roles,omitempty"`
	UTCOffset                   *float64       `json:"utcOffset,omitempty"`
	CreatedAt                   *time.Time     `json:"createdAt,omitempty"`
	LastLogin                   *time.Time     `json:"lastLogin,omitempty"`
	UpdatedAt                   *time.Time     `json:"_updatedAt,omitempty"`
	CustomFields                map[string]any `json:"customFields,omitempty"`
	Settings                    *UserSettings  `json:"settings,omitempty"`
	RequirePasswordChange       *bool          `json:"requirePasswordChange,omitempty"`
	RequirePasswordChangeReason string         `json:"requirePasswordChangeReason,omitempty"`
	Federated                   *bool          `json:"federated,omitempty"`
	CanViewAllInfo              *bool          `json:"canViewAllInfo,omitempty"`
	Rooms                       []UserRoom     `json:"rooms,omitempty"`
}

// Email is one of a user's addresses.
type Email struct {
	Address  string `json:"address"`
	Verified bool   `json:"verified"`
}

// UserSettings is user.settings; only preferences are decoded.
type UserSettings struct {
	Preferences map[string]any `json:"preferences,omitempty"`
}

// UserRoom is one subscription in users.info?includeUserRooms=true.
type UserRoom struct {
	ID     string   `json:"_id"`
	RoomID string   `json:"rid"`
	Name   string   `json:"name"`
	Type   string   `json:"t"`
	Unread int      `json:"unread"`
	Roles  []string `json:"roles,omitempty"`
}

// UserPage is one page of users.list / users.listByStatus.
type UserPage struct {
	Users  []User `json:"users"`
	Count  int    `json:"count"`
	Offset int    `json:"offset"`
	Total  int    `json:"total"`
}

// PresenceEntry is one user of users.presence.
type PresenceEntry struct {
	ID              string     `json:"_id"`
	Username        string     `json:"username,omitempty"`
	Name            string     `json:"name,omitempty"`
	Status          string     `json:"status,omitempty"`
	StatusText      string     `json:"statusText,omitempty"`
	AvatarETag      string     `json:"avatarETag,omitempty"`
	UTCOffset       *float64   `json:"utcOffset,omitempty"`
	Roles           []string   `json:"roles,omitempty"`
	StatusSource    string     `json:"statusSource,omitempty"`
	StatusExpiresAt *time.Time `json:"statusExpiresAt,omitempty"`
}

// PresenceResult is the users.presence answer; Full is false when only
// changes since `from` (or the given ids) are listed.
type PresenceResult struct {
	Users []PresenceEntry `json:"users"`
	Full  bool            `json:"full"`
}

// PresenceStatus is the users.getPresence answer (ConnectionStatus and
// LastLogin only for yourself).
type PresenceStatus struct {
	Presence         string     `json:"presence"`
	ConnectionStatus string     `json:"connectionStatus,omitempty"`
	LastLogin        *time.Time `json:"lastLogin,omitempty"`
}

// UserStatusResult is the users.getStatus answer.
type UserStatusResult struct {
	ID               string     `json:"_id"`
	Status           string     `json:"status"`
	ConnectionStatus string     `json:"connectionStatus,omitempty"`
	StatusSource     string     `json:"statusSource,omitempty"`
	StatusExpiresAt  *time.Time `json:"statusExpiresAt,omitempty"`
}

// Team is one entry of users.listTeams. Type 0 is public, 1 private.
type Team struct {
	ID        string      `json:"_id"`
	Name      string      `json:"name"`
	RoomID    string      `json:"roomId"`
	Type      int         `json:"type"`
	CreatedBy TeamCreator `json:"createdBy"`
	CreatedAt *time.Time  `json:"createdAt,omitempty"`
	UpdatedAt *time.Time  `json:"_updatedAt,omitempty"`
	IsOwner   bool        `json:"isOwner"`
}

// TeamCreator is Team.createdBy.
type TeamCreator struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
}

// PersonalAccessToken is one entry of users.getPersonalAccessTokens (the
// secret itself is only returned once, by generate/regenerate).
type PersonalAccessToken struct {
	Name            string     `json:"name"`
	LastTokenPart   string     `json:"lastTokenPart"`
	CreatedAt       *time.Time `json:"createdAt,omitempty"`
	BypassTwoFactor bool       `json:"bypassTwoFactor"`
}

// AuthToken is a login token created by users.createToken.
type AuthToken struct {
	UserID    string `json:"userId"`
	AuthToken string `json:"authToken"`
}

// LogoutOtherClientsResult is the users.logoutOtherClients answer (Token is
// the caller's current token).
type LogoutOtherClientsResult struct {
	Token        string     `json:"token"`
	TokenExpires *time.Time `json:"tokenExpires,omitempty"`
}

// DataDownload is the users.requestDataDownload answer.
type DataDownload struct {
	Requested                        bool            `json:"requested"`
	ExportOperation                  ExportOperation `json:"exportOperation"`
	URL                              *string         `json:"url,omitempty"`
	PendingOperationsBeforeMyRequest int             `json:"pendingOperationsBeforeMyRequest"`
}

// ExportOperation is the export job of a data download request.
type ExportOperation struct {
	ID            string     `json:"_id"`
	Status        string     `json:"status"`
	UserID        string     `json:"userId"`
	FullExport    bool       `json:"fullExport"`
	CreatedAt     *time.Time `json:"createdAt,omitempty"`
	UpdatedAt     *time.Time `json:"_updatedAt,omitempty"`
	GeneratedFile string     `json:"generatedFile,omitempty"`
}

// AutocompleteItem is one users.autocomplete match.
type AutocompleteItem struct {
	ID         string `json:"_id"`
	Name       string `json:"name,omitempty"`
	Username   string `json:"username,omitempty"`
	Nickname   string `json:"nickname,omitempty"`
	Status     string `json:"status,omitempty"`
	AvatarETag string `json:"avatarETag,omitempty"`
}

// AvatarImage is the body of GET /avatar/{subject}.
type AvatarImage struct {
	ContentType string
	Data        []byte
}

// UserSelector names a user by id or username (sent as userId / username;
// both empty means "myself" where the endpoint allows it).
type UserSelector struct {
	UserID   string `json:"userId,omitempty"`
	Username string `json:"username,omitempty"`
}

// ServerInfo is the GET /api/info answer.
type ServerInfo struct {
	Version string `json:"version"`
}

// optTime decodes the date forms Rocket.Chat emits: ISO-8601 strings, "" and
// null (absent), epoch milliseconds, and EJSON {"$date": ...}.
type optTime struct {
	t  time.Time
	ok bool
}

func (o *optTime) ptr() *time.Time {
	if !o.ok {
		return nil
	}
	t := o.t
	return &t
}

var nullJSON = []byte("null")

func (o *optTime) UnmarshalJSON(b []byte) error {
	*o = optTime{}
	if len(b) == 0 || bytes.Equal(b, nullJSON) {
		return nil
	}
	switch b[0] {
	case '"':
		var raw []byte
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
			raw = b[1 : len(b)-1]
		} else {
			var s string // escaped or malformed: let encoding/json judge
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			raw = []byte(s)
		}
		if len(raw) == 0 {
			return nil
		}
		// UnmarshalText parses RFC 3339 straight from the bytes (no copy).
		if err := o.t.UnmarshalText(raw); err != nil {
			t, perr := time.Parse(time.RFC3339Nano, string(raw))
			if perr != nil {
				return fmt.Errorf("invalid date %q", truncate(string(raw), 40))
			}
			o.t = t
		}
		o.ok = true
	case '{':
		var d struct {
			Date json.RawMessage `json:"$date"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		if len(d.Date) > 0 && d.Date[0] == '{' { // {"$date":{"$numberLong":"..."}}
			var n struct {
				V string `json:"$numberLong"`
			}
			if err := json.Unmarshal(d.Date, &n); err != nil {
				return err
			}
			d.Date = []byte(n.V)
		}
		return o.UnmarshalJSON(d.Date)
	default:
		ms, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("invalid date %.40s", b)
		}
		o.t, o.ok = time.UnixMilli(int64(ms)).UTC(), true
	}
	return nil
}

// userAlias has User's fields without its methods.
type userAlias User

// userWire is User with tolerant dates. Its shallower date fields shadow the
// embedded ones, so one decoding pass fills everything.
type userWire struct {
	userAlias
	StatusExpiresAt optTime `json:"statusExpiresAt"`
	CreatedAt       optTime `json:"createdAt"`
	LastLogin       optTime `json:"lastLogin"`
	UpdatedAt       optTime `json:"_updatedAt"`
}

func (w *userWire) user() User {
	u := User(w.userAlias)
	u.StatusExpiresAt = w.StatusExpiresAt.ptr()
	u.CreatedAt = w.CreatedAt.ptr()
	u.LastLogin = w.LastLogin.ptr()
	u.UpdatedAt = w.UpdatedAt.ptr()
	return u
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (u *User) UnmarshalJSON(b []byte) error {
	var w userWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = w.user()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (p *PresenceEntry) UnmarshalJSON(b []byte) error {
	type alias PresenceEntry
	var w struct {
		alias
		StatusExpiresAt optTime `json:"statusExpiresAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PresenceEntry(w.alias)
	p.StatusExpiresAt = w.StatusExpiresAt.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (p *PresenceStatus) UnmarshalJSON(b []byte) error {
	type alias PresenceStatus
	var w struct {
		alias
		LastLogin optTime `json:"lastLogin"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PresenceStatus(w.alias)
	p.LastLogin = w.LastLogin.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (s *UserStatusResult) UnmarshalJSON(b []byte) error {
	type alias UserStatusResult
	var w struct {
		alias
		StatusExpiresAt optTime `json:"statusExpiresAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = UserStatusResult(w.alias)
	s.StatusExpiresAt = w.StatusExpiresAt.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (t *Team) UnmarshalJSON(b []byte) error {
	type alias Team
	var w struct {
		alias
		CreatedAt optTime `json:"createdAt"`
		UpdatedAt optTime `json:"_updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Team(w.alias)
	t.CreatedAt = w.CreatedAt.ptr()
	t.UpdatedAt = w.UpdatedAt.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (p *PersonalAccessToken) UnmarshalJSON(b []byte) error {
	type alias PersonalAccessToken
	var w struct {
		alias
		CreatedAt optTime `json:"createdAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PersonalAccessToken(w.alias)
	p.CreatedAt = w.CreatedAt.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (r *LogoutOtherClientsResult) UnmarshalJSON(b []byte) error {
	type alias LogoutOtherClientsResult
	var w struct {
		alias
		TokenExpires optTime `json:"tokenExpires"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = LogoutOtherClientsResult(w.alias)
	r.TokenExpires = w.TokenExpires.ptr()
	return nil
}

// UnmarshalJSON accepts "", null, epoch ms and EJSON dates.
func (e *ExportOperation) UnmarshalJSON(b []byte) error {
	type alias ExportOperation
	var w struct {
		alias
		CreatedAt optTime `json:"createdAt"`
		UpdatedAt optTime `json:"_updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = ExportOperation(w.alias)
	e.CreatedAt = w.CreatedAt.ptr()
	e.UpdatedAt = w.UpdatedAt.ptr()
	return nil
}
