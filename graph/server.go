package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// ServerOptions configures the GraphQL engine.
type ServerOptions struct {
	Logger *slog.Logger
	// RequestID names the request an operation belongs to, for the log.
	RequestID func(context.Context) string
	// Introspection can be turned off for production.
	Introspection bool
	// Transports serve the HTTP side (graphhttp.Transports); none given: gqlgen's POST and GET.
	Transports []graphql.Transport
	// Limits bounds depth, complexity, aliases, root fields, directives and tokens of an
	// operation; the zero value applies the defaults.
	Limits Limits
}

// errPanic is what a client sees of a resolver panic; the panic itself goes to the log.
var errPanic = errors.New("resolver panic")

// NewServer builds the GraphQL handler: the schema and its resolvers, the transports, a cache of
// parsed queries (parsing is per query text, not per request), per-operation loaders and the one
// error presenter.
func NewServer(r *Resolver, opts ServerOptions) *handler.Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RequestID == nil {
		opts.RequestID = func(context.Context) string { return "" }
	}
	if len(opts.Transports) == 0 {
		opts.Transports = []graphql.Transport{transport.GET{}, transport.POST{}}
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	for _, t := range opts.Transports {
		srv.AddTransport(t)
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	limits := newLimitsExtension(opts.Limits, opts.Introspection)
	srv.SetParserTokenLimit(limits.limits.MaxTokens)
	srv.Use(limits)
	// gqlgen's flag stays on so that federation's `_service { sdl }` keeps answering: a supergraph
	// cannot be composed without it. __schema and __type are refused by the limits extension when
	// introspection is off.
	srv.Use(extension.Introspection{})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(r.WithLoaders(ctx))
	})
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		if op := graphql.GetOperationContext(ctx); op.Operation != nil && op.Operation.Operation == ast.Mutation {
			ctx = r.twoFactorContext(ctx, nil)
		}
		return next(ctx)
	})
	srv.SetErrorPresenter(ErrorPresenter(opts.Logger, opts.RequestID))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		opts.Logger.ErrorContext(ctx, "panic in resolver",
			slog.String("request_id", opts.RequestID(ctx)), slog.Any("panic", p))
		return errPanic
	})
	return srv
}
