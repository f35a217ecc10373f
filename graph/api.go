package graph

import (
	"context"
	"io"

	"github.com/rocketgql/rocketgql/restclient"
)

// UsersAPI is the part of the Rocket.Chat REST API the resolvers use; *restclient.UsersService
// satisfies it.
type UsersAPI interface {
	Info(ctx context.Context, opts restclient.InfoOptions) (*restclient.User, error)
	List(ctx context.Context, opts restclient.ListOptions) (*restclient.UserPage, error)
	ListByStatus(ctx context.Context, opts restclient.ListByStatusOptions) (*restclient.UserPage, error)
	Autocomplete(ctx context.Context, opts restclient.AutocompleteOptions) ([]restclient.AutocompleteItem, error)
	ListTeams(ctx context.Context, userID string) ([]restclient.Team, error)
	CheckUsernameAvailability(ctx context.Context, username string) (bool, error)
	GetUsernameSuggestion(ctx context.Context) (string, error)
	Presence(ctx context.Context, opts restclient.PresenceOptions) (*restclient.PresenceResult, error)
	GetPresence(ctx context.Context, sel restclient.UserSelector) (*restclient.PresenceStatus, error)
	GetStatus(ctx context.Context, sel restclient.UserSelector) (*restclient.UserStatusResult, error)
	SetStatus(ctx context.Context, req restclient.SetStatusRequest) error
	GetAvatar(ctx context.Context, sel restclient.UserSelector) (string, error)
	SetAvatarURL(ctx context.Context, req restclient.SetAvatarURLRequest) error
	UploadAvatar(ctx context.Context, sel restclient.UserSelector, filename, contentType string, image io.Reader) error
	ResetAvatar(ctx context.Context, sel restclient.UserSelector) error
	Avatar(ctx context.Context, subject string, opts restclient.AvatarOptions) (*restclient.AvatarImage, error)
	Create(ctx context.Context, req restclient.CreateUserRequest) (*restclient.User, error)
	Register(ctx context.Context, req restclient.RegisterRequest) (*restclient.User, error)
	Update(ctx context.Context, req restclient.UpdateUserRequest) (*restclient.User, error)
	UpdateOwnBasicInfo(ctx context.Context, req restclient.UpdateOwnBasicInfoRequest) (*restclient.User, error)
	GetPreferences(ctx context.Context) (map[string]any, error)
	SetPreferences(ctx context.Context, req restclient.SetPreferencesRequest) (map[string]any, error)
	SetActiveStatus(ctx context.Context, req restclient.SetActiveStatusRequest) (*restclient.User, error)
	DeactivateIdle(ctx context.Context, req restclient.DeactivateIdleRequest) (int, error)
	Delete(ctx context.Context, req restclient.DeleteUserRequest) error
	DeleteOwnAccount(ctx context.Context, req restclient.DeleteOwnAccountRequest) error
	CreateToken(ctx context.Context, req restclient.CreateTokenRequest) (*restclient.AuthToken, error)
	GeneratePersonalAccessToken(ctx context.Context, req restclient.GeneratePersonalAccessTokenRequest) (string, error)
	RegeneratePersonalAccessToken(ctx context.Context, tokenName string) (string, error)
	RemovePersonalAccessToken(ctx context.Context, tokenName string) error
	GetPersonalAccessTokens(ctx context.Context) ([]restclient.PersonalAccessToken, error)
	Logout(ctx context.Context, userID string) (string, error)
	LogoutOtherClients(ctx context.Context) (*restclient.LogoutOtherClientsResult, error)
	RemoveOtherTokens(ctx context.Context) error
	ResetE2EKey(ctx context.Context, sel restclient.UserSelector) error
	ResetTOTP(ctx context.Context, sel restclient.UserSelector) error
	ForgotPassword(ctx context.Context, email string) error
	SendWelcomeEmail(ctx context.Context, email string) error
	RequestDataDownload(ctx context.Context, fullExport bool) (*restclient.DataDownload, error)
}

// ModerationAPI is moderation.*; *restclient.ModerationService satisfies it.
type ModerationAPI interface {
	ReportUser(ctx context.Context, req restclient.ReportUserRequest) error
}

// SessionAPI is login and server information; *restclient.Client satisfies it.
type SessionAPI interface {
	Login(ctx context.Context, req restclient.LoginRequest) (*restclient.LoginResult, error)
	ServerInfo(ctx context.Context) (*restclient.ServerInfo, error)
}
