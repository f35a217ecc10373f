package restclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/restclient"
)

// openAPIPath is the contract, relative to the repository root; RC_OPENAPI overrides it.
func openAPIPath() string {
	if p := os.Getenv("RC_OPENAPI"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "rocketchat-openapi", "users.yaml")
}

// exampleCalls maps each contract path to the client method that decodes its
// responses.
var exampleCalls = map[string]func(ctx context.Context, c *restclient.Client) (any, error){
	"/api/v1/users.create": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Create(ctx, restclient.CreateUserRequest{})
	},
	"/api/v1/users.register": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Register(ctx, restclient.RegisterRequest{})
	},
	"/api/v1/users.update": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Update(ctx, restclient.UpdateUserRequest{})
	},
	"/api/v1/users.updateOwnBasicInfo": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.UpdateOwnBasicInfo(ctx, restclient.UpdateOwnBasicInfoRequest{})
	},
	"/api/v1/users.info": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Info(ctx, restclient.InfoOptions{UserID: "x"})
	},
	"/api/v1/users.list": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.List(ctx, restclient.ListOptions{})
	},
	"/api/v1/users.listByStatus": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.ListByStatus(ctx, restclient.ListByStatusOptions{})
	},
	"/api/v1/users.setAvatar": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.SetAvatarURL(ctx, restclient.SetAvatarURLRequest{AvatarURL: "http://x"})
	},
	"/api/v1/users.getAvatar": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetAvatar(ctx, restclient.UserSelector{Username: "x"})
	},
	"/api/v1/users.resetAvatar": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.ResetAvatar(ctx, restclient.UserSelector{UserID: "x"})
	},
	"/api/v1/users.setStatus": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.SetStatus(ctx, restclient.SetStatusRequest{Status: "away"})
	},
	"/api/v1/users.getStatus": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetStatus(ctx, restclient.UserSelector{})
	},
	"/api/v1/users.setActiveStatus": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.SetActiveStatus(ctx, restclient.SetActiveStatusRequest{UserID: "x"})
	},
	"/api/v1/users.deactivateIdle": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.DeactivateIdle(ctx, restclient.DeactivateIdleRequest{DaysIdle: 1})
	},
	"/api/v1/users.getPresence": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetPresence(ctx, restclient.UserSelector{})
	},
	"/api/v1/users.presence": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Presence(ctx, restclient.PresenceOptions{})
	},
	"/api/v1/users.delete": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.Delete(ctx, restclient.DeleteUserRequest{UserID: "x"})
	},
	"/api/v1/users.deleteOwnAccount": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.DeleteOwnAccount(ctx, restclient.DeleteOwnAccountRequest{Password: "x"})
	},
	"/api/v1/users.createToken": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.CreateToken(ctx, restclient.CreateTokenRequest{})
	},
	"/api/v1/users.getPreferences": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetPreferences(ctx)
	},
	"/api/v1/users.setPreferences": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.SetPreferences(ctx, restclient.SetPreferencesRequest{})
	},
	"/api/v1/users.forgotPassword": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.ForgotPassword(ctx, "x@example.com")
	},
	"/api/v1/users.getUsernameSuggestion": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetUsernameSuggestion(ctx)
	},
	"/api/v1/users.checkUsernameAvailability": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.CheckUsernameAvailability(ctx, "x")
	},
	"/api/v1/users.generatePersonalAccessToken": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GeneratePersonalAccessToken(ctx, restclient.GeneratePersonalAccessTokenRequest{TokenName: "x"})
	},
	"/api/v1/users.regeneratePersonalAccessToken": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.RegeneratePersonalAccessToken(ctx, "x")
	},
	"/api/v1/users.getPersonalAccessTokens": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.GetPersonalAccessTokens(ctx)
	},
	"/api/v1/users.removePersonalAccessToken": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.RemovePersonalAccessToken(ctx, "x")
	},
	"/api/v1/users.requestDataDownload": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.RequestDataDownload(ctx, false)
	},
	"/api/v1/users.logoutOtherClients": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.LogoutOtherClients(ctx)
	},
	"/api/v1/users.autocomplete": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Autocomplete(ctx, restclient.AutocompleteOptions{Term: "x"})
	},
	"/api/v1/users.removeOtherTokens": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.RemoveOtherTokens(ctx)
	},
	"/api/v1/users.resetE2EKey": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.ResetE2EKey(ctx, restclient.UserSelector{})
	},
	"/api/v1/users.resetTOTP": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.ResetTOTP(ctx, restclient.UserSelector{})
	},
	"/api/v1/users.listTeams": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.ListTeams(ctx, "x")
	},
	"/api/v1/moderation.reportUser": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Moderation.ReportUser(ctx, restclient.ReportUserRequest{UserID: "x", Description: "y"})
	},
	"/api/v1/users.logout": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Logout(ctx, "")
	},
	"/api/v1/avatar/{subject}": func(ctx context.Context, c *restclient.Client) (any, error) {
		return c.Users.Avatar(ctx, "x", restclient.AvatarOptions{})
	},
	"/api/v1/users.sendWelcomeEmail": func(ctx context.Context, c *restclient.Client) (any, error) {
		return nil, c.Users.SendWelcomeEmail(ctx, "x@example.com")
	},
}

type contractExample struct {
	path, name, contentType string
	status                  int
	body                    []byte
}

// TestOpenAPIExamples serves every response example of the contract through
// the client method of its operation: 2xx examples must decode without error,
// error examples must become the typed error of their status.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	p := openAPIPath()
	if _, err := os.Stat(p); err != nil {
		t.Skipf("contract not found at %s (set RC_OPENAPI): %v", p, err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(p)
	require.NoError(t, err)

	var examples []contractExample
	ops := 0
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops++
			_, ok := exampleCalls[path]
			require.True(t, ok, "no client method mapped for %s", path)
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || ref.Value == nil {
					continue
				}
				for ct, mt := range ref.Value.Content {
					add := func(name string, v any) {
						var b []byte
						if s, ok := v.(string); ok && !strings.Contains(ct, "json") {
							b = []byte(s)
						} else {
							b, err = json.Marshal(v)
							require.NoError(t, err)
						}
						examples = append(examples, contractExample{path: path, name: name, contentType: ct, status: status, body: b})
					}
					if mt.Example != nil {
						add("example", mt.Example)
					}
					for name, ex := range mt.Examples {
						if ex.Value != nil && ex.Value.Value != nil {
							add(name, ex.Value.Value)
						}
					}
				}
			}
		}
	}
	assert.Equal(t, 39, ops, "operations in the contract")
	require.NotEmpty(t, examples)
	sort.Slice(examples, func(i, j int) bool {
		a, b := examples[i], examples[j]
		return a.path+strconv.Itoa(a.status)+a.name < b.path+strconv.Itoa(b.status)+b.name
	})

	decoded := 0
	for _, ex := range examples {
		t.Run(ex.path+"/"+strconv.Itoa(ex.status)+"/"+ex.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", ex.contentType)
				w.WriteHeader(ex.status)
				_, _ = w.Write(ex.body)
			})
			c := newClient(t, srv.URL)
			_, err := exampleCalls[ex.path](withCaller(t.Context()), c)
			switch {
			case ex.status >= 200 && ex.status < 300:
				require.NoError(t, err, "body: %s", ex.body)
			case ex.status == http.StatusTooManyRequests:
				var rl *restclient.RateLimitError
				require.ErrorAs(t, err, &rl)
			default:
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er, "body: %s", ex.body)
				assert.Equal(t, ex.status, er.StatusCode)
				assert.NotEmpty(t, er.Message)
			}
		})
		if ex.status >= 200 && ex.status < 300 {
			decoded++
		}
	}
	assert.Greater(t, decoded, 30, "2xx examples decoded")
}
