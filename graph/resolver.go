// Package graph is the GraphQL layer of rocketgql: resolvers, per-operation loaders and the mapping
// of Rocket.Chat errors to GraphQL errors. It knows GraphQL and restclient, not net/http.
package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

// Caller is what the gateway knows of the caller of an operation.
type Caller struct {
	UserID string
	// TwoFactorCode and TwoFactorMethod come from the X-2fa-Code / X-2fa-Method headers.
	TwoFactorCode   string
	TwoFactorMethod string
}

// ResolverOptions wires the resolvers to Rocket.Chat.
type ResolverOptions struct {
	Users      UsersAPI
	Moderation ModerationAPI
	Session    SessionAPI
	// AvatarBaseURL is the public address of the Rocket.Chat server that avatar URLs are built on.
	AvatarBaseURL string
	// Caller returns the caller of the operation ctx belongs to.
	Caller func(ctx context.Context) Caller
	// Loaders tunes the per-operation batching.
	Loaders LoaderConfig
	// AvatarURLs decides which setAvatar avatarUrl values are forwarded (SSRF guard); nil
	// accepts http(s) URLs whose host resolves to public addresses only.
	AvatarURLs *AvatarURLPolicy
}

// Resolver is the root resolver. It holds no per-request state: everything that belongs to one
// caller lives in the context of that caller's operation.
type Resolver struct {
	users         UsersAPI
	moderation    ModerationAPI
	session       SessionAPI
	avatarBase    string
	caller        func(ctx context.Context) Caller
	loaderConfig  LoaderConfig
	listQueryMode *listQueryDetector
	avatarURLs    *AvatarURLPolicy
}

// NewResolver validates cfg and returns the root resolver.
func NewResolver(cfg ResolverOptions) (*Resolver, error) {
	if cfg.Users == nil || cfg.Moderation == nil || cfg.Session == nil {
		return nil, errors.New("graph: Users, Moderation and Session APIs are required")
	}
	base := strings.TrimRight(cfg.AvatarBaseURL, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("graph: avatar base URL %q must be an absolute http(s) URL", cfg.AvatarBaseURL)
	}
	lc, err := cfg.Loaders.withDefaults()
	if err != nil {
		return nil, err
	}
	avatarURLs := cfg.AvatarURLs
	if avatarURLs == nil {
		avatarURLs = &AvatarURLPolicy{}
	}
	caller := cfg.Caller
	if caller == nil {
		caller = func(context.Context) Caller { return Caller{} }
	}
	return &Resolver{
		users:         cfg.Users,
		moderation:    cfg.Moderation,
		session:       cfg.Session,
		avatarBase:    base,
		caller:        caller,
		loaderConfig:  lc,
		listQueryMode: newListQueryDetector(lc.UserLookup),
		avatarURLs:    avatarURLs,
	}, nil
}

// twoFactorContext puts the second factor for the REST calls of a mutation into ctx: the
// mutation's `twoFactor` argument when given, else the request's X-2fa-* headers. Queries never
// get one, so a code is only ever sent where a protected write asked for it.
func (r *Resolver) twoFactorContext(ctx context.Context, arg *model.TwoFactorInput) context.Context {
	var code, method string
	if arg != nil {
		code, method = arg.Code, strings.ToLower(string(arg.Method))
	} else {
		c := r.caller(ctx)
		code, method = c.TwoFactorCode, strings.ToLower(c.TwoFactorMethod)
	}
	if code == "" {
		return ctx
	}
	if method == "password" {
		// Rocket.Chat checks the password method against the SHA-256 digest of the plain password.
		code = restclient.SHA256Hex(code)
	}
	return restclient.WithTwoFactor(ctx, restclient.TwoFactor{Code: code, Method: method})
}
