// Command rocketgql is a GraphQL gateway in front of the Rocket.Chat Users REST API.
//
//	rocketgql [flags]                    serve GraphQL (on the embedded emulator when no ROCKETCHAT_URL is set)
//	rocketgql emulator --listen ADDR     run only the embedded Rocket.Chat Users emulator
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rocketgql/rocketgql/emulator"
	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/graphhttp"
	"github.com/rocketgql/rocketgql/middleware"
	"github.com/rocketgql/rocketgql/playground"
	"github.com/rocketgql/rocketgql/restclient"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rocketgql:", err)
		os.Exit(1)
	}
}

// tuneGC sets the collector for a gateway's allocation pattern unless GOGC / GOMEMLIMIT are set:
// the live heap is a few MiB while every request allocates hundreds of KiB, so at the default
// GOGC=100 the collector runs every few requests. A higher GOGC with a soft memory limit trades a
// little memory for measurably more throughput (BenchmarkFiftyUsersWithPresence: about 30% faster
// at GOGC=300) while the limit keeps the heap bounded under many connections.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(40 << 20)
	}
}

// run is the whole program, testable: it returns when ctx is done (after a graceful shutdown) or
// when it cannot start.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 1 && args[1] == "emulator" {
		return runEmulator(ctx, args[2:], stdout)
	}
	cfg, err := loadConfig(args[1:], getenv, stdout)
	if err != nil {
		return err
	}
	logger := newLogger(stdout, cfg.LogLevel)

	backendURL, publicURL := cfg.RocketChatURL, cfg.PublicURL
	var demo *emulator.Server
	if backendURL == "" {
		emu, addr, err := startEmulator(ctx, cfg.EmulatorListen, logger)
		if err != nil {
			return err
		}
		demo, backendURL = emu, "http://"+addr
	}
	if publicURL == "" {
		publicURL = backendURL
	}

	gw, err := newGateway(cfg, backendURL, publicURL, demo, logger)
	if err != nil {
		return err
	}
	defer gw.closeIdle()
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	srv := &http.Server{
		Handler:           gw.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	printBanner(stdout, "http://"+ln.Addr().String(), backendURL, demo)
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("rocketchat", backendURL), slog.String("version", version))

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Readiness fails first, so a load balancer stops sending; during the drain delay requests
	// are still served while it notices; then the listener closes and in-flight requests finish
	// within the shutdown deadline.
	gw.readiness.SetDraining()
	logger.Info("shutting down", slog.Duration("drain_delay", cfg.DrainDelay), slog.Duration("deadline", cfg.ShutdownTimeout))
	if cfg.DrainDelay > 0 {
		drain := time.NewTimer(cfg.DrainDelay)
		select {
		case <-drain.C:
		case err := <-serveErr:
			drain.Stop()
			return fmt.Errorf("serve: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// gateway is the wired HTTP handler with what run needs for its lifecycle.
type gateway struct {
	handler   http.Handler
	readiness *middleware.Readiness
	closeIdle func() // closes idle keep-alive connections to Rocket.Chat
}

// newGateway wires restclient, graph and middleware into the gateway's HTTP handler.
func newGateway(cfg config, backendURL, publicURL string, demo *emulator.Server, logger *slog.Logger) (*gateway, error) {
	rc, err := restclient.New(backendURL,
		restclient.WithTimeout(cfg.RESTTimeout),
		restclient.WithRetries(cfg.RESTRetries, cfg.RESTRetryBackoff),
		restclient.WithBreaker(restclient.BreakerOptions{Failures: cfg.BreakerFailures, OpenFor: cfg.BreakerOpen}),
		restclient.WithUserAgent("rocketgql/"+version),
		restclient.WithCredentials(func(ctx context.Context) (restclient.Credentials, bool) {
			c, ok := middleware.CredentialsFrom(ctx)
			return restclient.Credentials{UserID: c.UserID, AuthToken: c.AuthToken}, ok
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("rocket.chat client: %w", err)
	}
	resolver, err := graph.NewResolver(graph.ResolverOptions{
		Users:         rc.Users,
		Moderation:    rc.Moderation,
		Session:       rc,
		AvatarBaseURL: publicURL,
		Caller: func(ctx context.Context) graph.Caller {
			c, _ := middleware.CredentialsFrom(ctx)
			return graph.Caller{UserID: c.UserID, TwoFactorCode: c.TwoFactorCode, TwoFactorMethod: c.TwoFactorMethod}
		},
		Loaders: graph.LoaderConfig{
			UserLookup:        cfg.UserLookup,
			FanOutConcurrency: cfg.FanOutConcurrency,
			ChunkSize:         cfg.BatchChunkSize,
			Wait:              cfg.BatchWait,
		},
		AvatarURLs: &graph.AvatarURLPolicy{AllowedHosts: cfg.AvatarAllowedHosts},
	})
	if err != nil {
		return nil, err
	}
	maxUpload := cfg.MaxUploadBytes
	if maxUpload <= 0 {
		maxUpload = 8 << 20
	}
	gql := graph.NewServer(resolver, graph.ServerOptions{
		Logger:        logger,
		RequestID:     middleware.RequestIDFrom,
		Introspection: cfg.Introspection,
		Transports:    graphhttp.Transports(maxUpload),
		Limits:        cfg.Limits,
	})
	corsOpts := middleware.CORSOptions{AllowedOrigins: cfg.CORSOrigins, AllowCredentials: cfg.CORSCredentials, MaxAge: 10 * time.Minute}
	cors, err := middleware.CORS(corsOpts)
	if err != nil {
		return nil, fmt.Errorf("cors: %w", err)
	}
	crossOrigin, err := middleware.CrossOriginGuard(corsOpts)
	if err != nil {
		return nil, fmt.Errorf("cross-origin guard: %w", err)
	}
	opTimeout := cfg.OperationTimeout
	if opTimeout <= 0 {
		opTimeout = 30 * time.Second
	}

	var demoHeaders map[string]string
	if demo != nil {
		if id, token, err := demo.IssueLoginToken("admin"); err == nil {
			demoHeaders = map[string]string{"X-User-Id": id, "X-Auth-Token": token}
		}
	}
	readiness := &middleware.Readiness{}
	mux := http.NewServeMux()
	mux.Handle("/graphql", middleware.Chain(gql,
		allowMethods("use POST (or GET for queries)", http.MethodGet, http.MethodPost),
		crossOrigin,
		bodyLimit(cfg.MaxBodyBytes, maxUpload),
		middleware.CSRF,
		middleware.Deadline(opTimeout),
		middleware.Auth))
	mux.Handle("GET /healthz", readiness.Handler())
	mux.Handle("/", allowMethods("use GET", http.MethodGet, http.MethodHead)(playground.Handler("rocketgql", "/graphql", demoHeaders)))
	handler := middleware.Chain(mux,
		middleware.RequestID,
		middleware.AccessLog(logger),
		middleware.Recover(logger),
		cors,
	)
	return &gateway{handler: handler, readiness: readiness, closeIdle: rc.CloseIdleConnections}, nil
}

// allowMethods answers 405 METHOD_NOT_ALLOWED, with Allow, to any other method: on /graphql
// to the methods no transport serves (PUT, DELETE, …; CORS preflights are answered before), on
// the playground to anything but reads.
func allowMethods(hint string, methods ...string) middleware.Middleware {
	allow := strings.Join(methods, ", ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !slices.Contains(methods, r.Method) {
				w.Header().Set("Allow", allow)
				middleware.WriteJSONError(w, http.StatusMethodNotAllowed, graphhttp.CodeMethodNotAllowed, hint)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// bodyLimit bounds GraphQL bodies, with a larger bound for multipart avatar uploads.
func bodyLimit(jsonLimit, uploadLimit int64) middleware.Middleware {
	return func(next http.Handler) http.Handler {
		small, large := middleware.MaxBody(jsonLimit)(next), middleware.MaxBody(uploadLimit)(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				large.ServeHTTP(w, r)
				return
			}
			small.ServeHTTP(w, r)
		})
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by loadConfig
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// startEmulator serves the embedded emulator on addr until ctx is done.
func startEmulator(ctx context.Context, addr string, logger *slog.Logger) (*emulator.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	emu := emulator.New(emulator.Options{})
	emu.SetSiteURL("http://" + ln.Addr().String())
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	return emu, ln.Addr().String(), nil
}

// runEmulator is `rocketgql emulator`: the emulator alone, for frontend work and tests.
func runEmulator(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rocketgql emulator", flag.ContinueOnError)
	fs.SetOutput(stdout)
	listen := fs.String("listen", "127.0.0.1:3000", "address the emulator listens on")
	unsafeQuery := fs.Bool("allow-unsafe-query", false, "honour users.list query/fields, like ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS=true")
	rateLimit := fs.Int("rate-limit", 0, "calls per minute per client IP, route and method, like Rocket.Chat's limiter (0: off)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("emulator: listen on %s: %w", *listen, err)
	}
	opts := emulator.Options{AllowUnsafeQuery: *unsafeQuery}
	if *rateLimit > 0 {
		opts.RateLimit = &emulator.RateLimitConfig{Limit: *rateLimit, Window: time.Minute}
	}
	emu := emulator.New(opts)
	base := "http://" + ln.Addr().String()
	emu.SetSiteURL(base)
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Rocket.Chat Users emulator (demo data; for demos and tests, not a Rocket.Chat replacement)\n")
	fmt.Fprintf(stdout, "emulator listening on %s\n", base)
	printDemoHeaders(stdout, emu)
	select {
	case err := <-serveErr:
		return fmt.Errorf("emulator: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func printBanner(w io.Writer, base, backend string, demo *emulator.Server) {
	fmt.Fprintf(w, "rocketgql listening on %s\n", base)
	fmt.Fprintf(w, "  GraphQL:    %s/graphql\n", base)
	fmt.Fprintf(w, "  Playground: %s/\n", base)
	if demo == nil {
		fmt.Fprintf(w, "  Rocket.Chat: %s\n", backend)
		return
	}
	fmt.Fprintf(w, "  Rocket.Chat: embedded emulator at %s (demo data; for demos and tests, not a Rocket.Chat replacement)\n", backend)
	fmt.Fprintf(w, "  Demo users: admin / demo1234 (role admin), demo / demo1234 (role user)\n")
	printDemoHeaders(w, demo)
}

// printDemoHeaders prints ready-to-paste headers JSON for the demo users.
func printDemoHeaders(w io.Writer, emu *emulator.Server) {
	for _, name := range []string{"admin", "demo"} {
		id, token, err := emu.IssueLoginToken(name)
		if err != nil {
			continue
		}
		b, _ := json.Marshal(map[string]string{"X-User-Id": id, "X-Auth-Token": token})
		fmt.Fprintf(w, "demo headers (%s): %s\n", name, b)
	}
}
