package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
)

func TestHardeningConfig(t *testing.T) {
	t.Parallel()
	getenv := func(env map[string]string) func(string) string { return func(k string) string { return env[k] } }

	cfg, err := loadConfig(nil, getenv(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, graph.Limits{MaxDepth: 10, MaxComplexity: 250, MaxAliases: 100, MaxRootFields: 50, MaxDirectives: 50, MaxTokens: 10000}, cfg.Limits)
	assert.Equal(t, int64(8<<20), cfg.MaxUploadBytes)
	assert.Equal(t, 30*time.Second, cfg.OperationTimeout)
	assert.Equal(t, 2, cfg.RESTRetries)
	assert.Equal(t, 100*time.Millisecond, cfg.RESTRetryBackoff)
	assert.Equal(t, 5, cfg.BreakerFailures)
	assert.Equal(t, 10*time.Second, cfg.BreakerOpen)
	assert.Empty(t, cfg.AvatarAllowedHosts)
	assert.Zero(t, cfg.DrainDelay)

	cfg, err = loadConfig([]string{"-max-depth", "7", "-rest-retries", "0"}, getenv(map[string]string{
		"GRAPHQL_MAX_COMPLEXITY": "99", "AVATAR_URL_ALLOWED_HOSTS": "cdn.example.com, *.img.example", "SHUTDOWN_DRAIN_DELAY": "5s",
		"GRAPHQL_MAX_DEPTH": "3",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 7, cfg.Limits.MaxDepth, "a flag wins over its variable")
	assert.Equal(t, 99, cfg.Limits.MaxComplexity)
	assert.Zero(t, cfg.RESTRetries)
	assert.Equal(t, []string{"cdn.example.com", "*.img.example"}, cfg.AvatarAllowedHosts)
	assert.Equal(t, 5*time.Second, cfg.DrainDelay)

	for env, bad := range map[string]string{
		"GRAPHQL_MAX_DEPTH": "1", "GRAPHQL_MAX_COMPLEXITY": "0", "GRAPHQL_MAX_TOKENS": "10", "REST_RETRIES": "11",
		"BREAKER_FAILURES": "-1", "BREAKER_OPEN": "0s", "OPERATION_TIMEOUT": "soon", "SHUTDOWN_DRAIN_DELAY": "-1s",
		"AVATAR_URL_ALLOWED_HOSTS": "http://x.example/", "MAX_UPLOAD_BYTES": "12",
	} {
		_, err := loadConfig(nil, getenv(map[string]string{env: bad}), io.Discard)
		assert.Error(t, err, "%s=%s", env, bad)
	}
}
