package restclient

import "time"

// InfoOptions select the user of users.info: exactly one of UserID,
// Username, ImportID, Email, FreeSwitchExtension (the last two need 8.4+/8.5+).
type InfoOptions struct {
	UserID              string
	Username            string
	ImportID            string
	Email               string
	FreeSwitchExtension string
	// IncludeUserRooms adds user.rooms (self, or with view-other-user-channels).
	IncludeUserRooms bool
}

// ListOptions are the users.list query parameters.
type ListOptions struct {
	// Offset and Count paginate; Count <= 0 is not sent (the server default,
	// 50, applies: count=0 would mean "everything" on some servers).
	Offset, Count int
	// Sort is a raw JSON object such as {"username":1}.
	Sort string
	// Query is raw JSON; only honoured by servers with
	// ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS (removed in 9.0).
	Query string
	// Fields is raw JSON, same caveat as Query.
	Fields string
	// Email filters by address (8.4+).
	Email string
}

// ListByStatusOptions are the users.listByStatus query parameters.
type ListByStatusOptions struct {
	Status         string // active | deactivated
	HasLoggedIn    *bool
	Type           string
	Roles          []string // sent as roles[]=
	SearchTerm     string
	InactiveReason []string // sent as inactiveReason[]=
	Sort           string   // raw JSON object
	Offset, Count  int      // Count <= 0 is not sent
}

// AutocompleteOptions build the users.autocomplete selector JSON.
type AutocompleteOptions struct {
	Term       string
	Exceptions []string       // usernames to leave out
	Conditions map[string]any // optional Mongo-style filter
}

// PresenceOptions are the users.presence query parameters.
type PresenceOptions struct {
	From *time.Time // changes since (ISO date)
	IDs  []string   // sent as one comma-separated ids value
}

// SetStatusRequest is the users.setStatus body. Message nil leaves the text
// unchanged; a pointer to "" clears it.
type SetStatusRequest struct {
	Message  *string `json:"message,omitempty"`
	Status   string  `json:"status,omitempty"`
	UserID   string  `json:"userId,omitempty"`
	Username string  `json:"username,omitempty"`
}

// SetAvatarURLRequest is the JSON form of users.setAvatar.
type SetAvatarURLRequest struct {
	AvatarURL string `json:"avatarUrl"`
	UserID    string `json:"userId,omitempty"`
	Username  string `json:"username,omitempty"`
}

// AvatarOptions are the query parameters of GET /avatar/{subject}.
type AvatarOptions struct {
	Size   int    // 16..1024, 0 = server default
	Format string // png | jpg | jpeg; anything else is SVG
}

// CreateUserRequest is the users.create body.
type CreateUserRequest struct {
	Email                 string         `json:"email"`
	Name                  string         `json:"name"`
	Password              string         `json:"password"`
	Username              string         `json:"username"`
	Active                *bool          `json:"active,omitempty"`
	JoinDefaultChannels   *bool          `json:"joinDefaultChannels,omitempty"`
	RequirePasswordChange *bool          `json:"requirePasswordChange,omitempty"`
	SetRandomPassword     *bool          `json:"setRandomPassword,omitempty"`
	SendWelcomeEmail      *bool          `json:"sendWelcomeEmail,omitempty"`
	Verified              *bool          `json:"verified,omitempty"`
	Bio                   string         `json:"bio,omitempty"`
	Nickname              string         `json:"nickname,omitempty"`
	StatusText            string         `json:"statusText,omitempty"`
	FreeSwitchExtension   string         `json:"freeSwitchExtension,omitempty"`
	Roles                 []string       `json:"roles,omitempty"`
	CustomFields          map[string]any `json:"customFields,omitempty"`
}

// RegisterRequest is the users.register body (no authentication needed).
type RegisterRequest struct {
	Username     string         `json:"username"`
	Email        string         `json:"email"`
	Pass         string         `json:"pass"`
	Name         string         `json:"name,omitempty"`
	Secret       string         `json:"secret,omitempty"`
	Reason       string         `json:"reason,omitempty"`
	CustomFields map[string]any `json:"customFields,omitempty"`
}

// UpdateUserRequest is the users.update body.
type UpdateUserRequest struct {
	UserID            string         `json:"userId"`
	Data              UpdateUserData `json:"data"`
	ConfirmRelinquish *bool          `json:"confirmRelinquish,omitempty"`
}

// UpdateUserData is users.update's data: only non-nil fields are sent.
type UpdateUserData struct {
	Email                 *string        `json:"email,omitempty"`
	Name                  *string        `json:"name,omitempty"`
	Password              *string        `json:"password,omitempty"`
	Username              *string        `json:"username,omitempty"`
	Bio                   *string        `json:"bio,omitempty"`
	Nickname              *string        `json:"nickname,omitempty"`
	StatusText            *string        `json:"statusText,omitempty"`
	Status                *string        `json:"status,omitempty"`
	FreeSwitchExtension   *string        `json:"freeSwitchExtension,omitempty"`
	Active                *bool          `json:"active,omitempty"`
	RequirePasswordChange *bool          `json:"requirePasswordChange,omitempty"`
	SetRandomPassword     *bool          `json:"setRandomPassword,omitempty"`
	SendWelcomeEmail      *bool          `json:"sendWelcomeEmail,omitempty"`
	Verified              *bool          `json:"verified,omitempty"`
	Roles                 []string       `json:"roles,omitempty"`
	CustomFields          map[string]any `json:"customFields,omitempty"`
}

// UpdateOwnBasicInfoRequest is the users.updateOwnBasicInfo body.
type UpdateOwnBasicInfoRequest struct {
	Data         OwnBasicInfo   `json:"data"`
	CustomFields map[string]any `json:"customFields,omitempty"`
}

// OwnBasicInfo is updateOwnBasicInfo's data. CurrentPassword is sent as
// given: the caller passes SHA256Hex(plain password).
type OwnBasicInfo struct {
	Email           *string `json:"email,omitempty"`
	Name            *string `json:"name,omitempty"`
	Username        *string `json:"username,omitempty"`
	Nickname        *string `json:"nickname,omitempty"`
	Bio             *string `json:"bio,omitempty"`
	StatusText      *string `json:"statusText,omitempty"`
	StatusType      *string `json:"statusType,omitempty"`
	CurrentPassword *string `json:"currentPassword,omitempty"`
	NewPassword     *string `json:"newPassword,omitempty"`
}

// SetPreferencesRequest is the users.setPreferences body (UserID "" = self).
type SetPreferencesRequest struct {
	UserID string         `json:"userId,omitempty"`
	Data   map[string]any `json:"data"`
}

// SetActiveStatusRequest is the users.setActiveStatus body.
type SetActiveStatusRequest struct {
	UserID            string `json:"userId"`
	ActiveStatus      bool   `json:"activeStatus"`
	ConfirmRelinquish bool   `json:"confirmRelinquish,omitempty"`
}

// DeactivateIdleRequest is the users.deactivateIdle body (Role "" = user).
type DeactivateIdleRequest struct {
	DaysIdle int    `json:"daysIdle"`
	Role     string `json:"role,omitempty"`
}

// DeleteUserRequest is the users.delete body.
type DeleteUserRequest struct {
	UserID            string `json:"userId,omitempty"`
	Username          string `json:"username,omitempty"`
	ConfirmRelinquish bool   `json:"confirmRelinquish,omitempty"`
}

// DeleteOwnAccountRequest is the users.deleteOwnAccount body; Password is
// already SHA256Hex of the plain password (or of the username for accounts
// without a local password).
type DeleteOwnAccountRequest struct {
	Password          string `json:"password"`
	ConfirmRelinquish bool   `json:"confirmRelinquish,omitempty"`
}

// CreateTokenRequest is the users.createToken body (8.x: Secret must equal the
// server's CREATE_TOKENS_FOR_USERS_SECRET).
type CreateTokenRequest struct {
	UserID string `json:"userId"`
	Secret string `json:"secret"`
}

// GeneratePersonalAccessTokenRequest is the users.generatePersonalAccessToken body.
type GeneratePersonalAccessTokenRequest struct {
	TokenName       string `json:"tokenName"`
	BypassTwoFactor bool   `json:"bypassTwoFactor"`
}

// ReportUserRequest is the moderation.reportUser body.
type ReportUserRequest struct {
	UserID      string `json:"userId"`
	Description string `json:"description"`
}

// LoginRequest is the POST /api/v1/login body; Code is an optional TOTP code.
type LoginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Code     string `json:"code,omitempty"`
}

// LoginResult is a successful login.
type LoginResult struct {
	UserID    string `json:"userId"`
	AuthToken string `json:"authToken"`
	Me        *User  `json:"me,omitempty"`
}
