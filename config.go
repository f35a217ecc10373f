package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rocketgql/rocketgql/graph"
)

// config is the whole configuration, read once from flags and environment and validated before
// anything starts. A flag wins over its environment variable.
type config struct {
	ListenAddr        string
	RocketChatURL     string // empty: start the embedded emulator
	PublicURL         string // avatar URLs; defaults to RocketChatURL
	CORSOrigins       []string
	CORSCredentials   bool
	Introspection     bool
	LogLevel          string
	RESTTimeout       time.Duration
	ShutdownTimeout   time.Duration
	MaxBodyBytes      int64
	UserLookup        graph.UserLookup
	FanOutConcurrency int
	BatchChunkSize    int
	BatchWait         time.Duration
	EmulatorListen    string // where the embedded emulator listens when RocketChatURL is empty

	// Hardening (issue 6).
	Limits             graph.Limits
	MaxUploadBytes     int64
	OperationTimeout   time.Duration
	RESTRetries        int
	RESTRetryBackoff   time.Duration
	BreakerFailures    int
	BreakerOpen        time.Duration
	AvatarAllowedHosts []string
	DrainDelay         time.Duration
}

// setting is one configuration knob: its flag, its environment variable and its help.
type setting struct {
	flag, env, def, help string
}

var settings = []setting{
	{"listen", "LISTEN_ADDR", "", "address the gateway listens on (default :8080; 127.0.0.1:8080 on the embedded emulator, whose playground carries admin demo credentials)"},
	{"rocketchat-url", "ROCKETCHAT_URL", "", "Rocket.Chat base URL, e.g. https://chat.example.com; empty starts the embedded emulator with demo data"},
	{"public-url", "ROCKETCHAT_PUBLIC_URL", "", "Rocket.Chat address browsers use, for avatar URLs (default: ROCKETCHAT_URL)"},
	{"cors-origins", "CORS_ALLOWED_ORIGINS", "", "comma-separated origins allowed to call the gateway from a browser (none by default)"},
	{"cors-credentials", "CORS_ALLOW_CREDENTIALS", "false", "allow credentialed cross-origin requests from the allowed origins"},
	{"introspection", "GRAPHQL_INTROSPECTION", "true", "answer introspection queries (turn off in production if the schema is private)"},
	{"log-level", "LOG_LEVEL", "info", "debug, info, warn or error"},
	{"rest-timeout", "REST_TIMEOUT", "10s", "timeout of one REST call to Rocket.Chat"},
	{"shutdown-timeout", "SHUTDOWN_TIMEOUT", "15s", "how long in-flight requests may finish after SIGTERM"},
	{"max-body-bytes", "MAX_BODY_BYTES", "1048576", "largest GraphQL request body (multipart uploads: 8 MiB)"},
	{"user-lookup", "USER_LOOKUP", "auto", "how users are fetched by id in a batch: auto, list-query or fan-out"},
	{"fan-out-concurrency", "FAN_OUT_CONCURRENCY", "8", "parallel users.info calls of one batch in fan-out mode"},
	{"batch-chunk-size", "BATCH_CHUNK_SIZE", "100", "ids per users.presence / users.list call"},
	{"batch-wait", "BATCH_WAIT", "200us", "how long a loader collects keys before calling Rocket.Chat"},
	{"emulator-listen", "EMULATOR_LISTEN", "127.0.0.1:0", "where the embedded emulator listens when ROCKETCHAT_URL is empty"},
	{"max-depth", "GRAPHQL_MAX_DEPTH", "10", "deepest field nesting of an operation"},
	{"max-complexity", "GRAPHQL_MAX_COMPLEXITY", "250", "most Rocket.Chat calls one operation may cause (cost model in graph.Complexity)"},
	{"max-aliases", "GRAPHQL_MAX_ALIASES", "100", "most aliased fields in an operation, counted through fragments"},
	{"max-root-fields", "GRAPHQL_MAX_ROOT_FIELDS", "50", "most root fields in an operation"},
	{"max-directives", "GRAPHQL_MAX_DIRECTIVES", "50", "most directives in an operation, counted through fragments"},
	{"max-tokens", "GRAPHQL_MAX_TOKENS", "10000", "parser token limit: longer documents are not parsed"},
	{"max-upload-bytes", "MAX_UPLOAD_BYTES", "8388608", "largest multipart (avatar upload) request body"},
	{"operation-timeout", "OPERATION_TIMEOUT", "30s", "deadline of a whole GraphQL request, all its REST calls included"},
	{"rest-retries", "REST_RETRIES", "2", "retries of an idempotent GET after a connection error or 502/503/504 (0 disables)"},
	{"rest-retry-backoff", "REST_RETRY_BACKOFF", "100ms", "first retry delay; doubled each retry, with jitter"},
	{"breaker-failures", "BREAKER_FAILURES", "5", "consecutive failed REST calls (unreachable, timeout, 502/503/504) that open the circuit breaker (0 disables)"},
	{"breaker-open", "BREAKER_OPEN", "10s", "how long the open breaker answers UPSTREAM_UNAVAILABLE at once before one probe call"},
	{"avatar-url-allowed-hosts", "AVATAR_URL_ALLOWED_HOSTS", "", "comma-separated hosts (or *.suffix) setAvatar avatarUrl may point to; empty: any host resolving to public addresses"},
	{"shutdown-drain-delay", "SHUTDOWN_DRAIN_DELAY", "0s", "after SIGTERM, how long /healthz answers 503 while requests are still served, before the listener closes"},
}

// loadConfig reads flags (args without the program name) over environment over defaults.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("rocketgql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := make(map[string]*string, len(settings))
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		values[s.flag] = fs.String(s.flag, def, s.help+" (env "+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	get := func(name string) string { return strings.TrimSpace(*values[name]) }

	var errs []error
	cfg := config{
		ListenAddr:     get("listen"),
		RocketChatURL:  strings.TrimRight(get("rocketchat-url"), "/"),
		PublicURL:      strings.TrimRight(get("public-url"), "/"),
		LogLevel:       strings.ToLower(get("log-level")),
		UserLookup:     graph.UserLookup(get("user-lookup")),
		EmulatorListen: get("emulator-listen"),
	}
	for _, o := range strings.Split(get("cors-origins"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	parseBool := func(name string, dst *bool) {
		b, err := strconv.ParseBool(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("-%s: %q is not a boolean", name, get(name)))
		}
		*dst = b
	}
	parseDuration := func(name string, dst *time.Duration) {
		d, err := time.ParseDuration(get(name))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("-%s: %q is not a positive duration", name, get(name)))
		}
		*dst = d
	}
	parseInt := func(name string, lo, hi int64, dst func(int64)) {
		n, err := strconv.ParseInt(get(name), 10, 64)
		if err != nil || n < lo || n > hi {
			errs = append(errs, fmt.Errorf("-%s: %q is not a whole number from %d to %d", name, get(name), lo, hi))
		}
		dst(n)
	}
	parseBool("cors-credentials", &cfg.CORSCredentials)
	parseBool("introspection", &cfg.Introspection)
	parseDuration("rest-timeout", &cfg.RESTTimeout)
	parseDuration("shutdown-timeout", &cfg.ShutdownTimeout)
	parseDuration("batch-wait", &cfg.BatchWait)
	parseInt("max-body-bytes", 1024, 1<<30, func(n int64) { cfg.MaxBodyBytes = n })
	parseInt("fan-out-concurrency", 1, 64, func(n int64) { cfg.FanOutConcurrency = int(n) })
	parseInt("batch-chunk-size", 1, 100, func(n int64) { cfg.BatchChunkSize = int(n) })
	parseInt("max-depth", 2, 1000, func(n int64) { cfg.Limits.MaxDepth = int(n) })
	parseInt("max-complexity", 1, 1<<20, func(n int64) { cfg.Limits.MaxComplexity = int(n) })
	parseInt("max-aliases", 1, 1<<20, func(n int64) { cfg.Limits.MaxAliases = int(n) })
	parseInt("max-root-fields", 1, 1<<20, func(n int64) { cfg.Limits.MaxRootFields = int(n) })
	parseInt("max-directives", 1, 1<<20, func(n int64) { cfg.Limits.MaxDirectives = int(n) })
	parseInt("max-tokens", 100, 1<<24, func(n int64) { cfg.Limits.MaxTokens = int(n) })
	parseInt("max-upload-bytes", 1024, 1<<30, func(n int64) { cfg.MaxUploadBytes = n })
	parseDuration("operation-timeout", &cfg.OperationTimeout)
	parseInt("rest-retries", 0, 10, func(n int64) { cfg.RESTRetries = int(n) })
	parseDuration("rest-retry-backoff", &cfg.RESTRetryBackoff)
	parseInt("breaker-failures", 0, 1000, func(n int64) { cfg.BreakerFailures = int(n) })
	parseDuration("breaker-open", &cfg.BreakerOpen)
	if d, err := time.ParseDuration(get("shutdown-drain-delay")); err != nil || d < 0 {
		errs = append(errs, fmt.Errorf("-shutdown-drain-delay: %q is not a duration of 0 or more", get("shutdown-drain-delay")))
	} else {
		cfg.DrainDelay = d
	}
	for _, h := range strings.Split(get("avatar-url-allowed-hosts"), ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			if strings.ContainsAny(h, "/:@ ") || strings.Contains(strings.TrimPrefix(h, "*."), "*") {
				errs = append(errs, fmt.Errorf("-avatar-url-allowed-hosts: %q is not a host name or *.suffix pattern", h))
			}
			cfg.AvatarAllowedHosts = append(cfg.AvatarAllowedHosts, h)
		}
	}

	if cfg.ListenAddr == "" {
		// On the emulator the playground page hands out an admin demo token: keep it off the network
		// unless an address is asked for explicitly.
		cfg.ListenAddr = ":8080"
		if cfg.RocketChatURL == "" {
			cfg.ListenAddr = "127.0.0.1:8080"
		}
	}
	for name, raw := range map[string]string{"rocketchat-url": cfg.RocketChatURL, "public-url": cfg.PublicURL} {
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-%s: %q is not an absolute http(s) URL", name, raw))
		}
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("-log-level: %q is not debug, info, warn or error", cfg.LogLevel))
	}
	switch cfg.UserLookup {
	case graph.LookupAuto, graph.LookupListQuery, graph.LookupFanOut:
	default:
		errs = append(errs, fmt.Errorf("-user-lookup: %q is not auto, list-query or fan-out", cfg.UserLookup))
	}
	if err := errors.Join(errs...); err != nil {
		return config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}
