package emulator

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// RateLimitConfig turns on the API rate limiter (behaviour doc §5). Windows are fixed: the first
// call of a key opens a window of Window length; the key is client IP + endpoint + method.
type RateLimitConfig struct {
	// Limit is the default number of calls per window (API_Enable_Rate_Limiter_Limit_Calls_Default);
	// 0 means 10.
	Limit int
	// Window is the default window (API_Enable_Rate_Limiter_Limit_Time_Default); 0 means 60 s.
	Window time.Duration
	// PerRoute overrides the budget of one endpoint, keyed by its name ("users.info"). Without an
	// entry, users.register (1), users.setStatus (5) and users.updateOwnBasicInfo (1) keep the
	// server's own per-endpoint limits.
	PerRoute map[string]RouteLimit
	// BypassAdmins exempts callers with api-bypass-rate-limit (admins, bots), as the real server
	// does. Off by default so tests can trigger the limiter with the admin account.
	BypassAdmins bool
}

// RouteLimit is one endpoint's budget.
type RouteLimit struct {
	Limit  int
	Window time.Duration
}

type rlWindow struct {
	start time.Time
	count int
}

type rateLimiter struct {
	cfg     RateLimitConfig
	windows map[string]*rlWindow
}

func newRateLimiter(cfg RateLimitConfig) *rateLimiter {
	if cfg.Limit <= 0 {
		cfg.Limit = 10
	}
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	return &rateLimiter{cfg: cfg, windows: map[string]*rlWindow{}}
}

func (l *rateLimiter) budget(rt *route) (int, time.Duration) {
	if rl, ok := l.cfg.PerRoute[rt.name]; ok {
		limit, win := rl.Limit, rl.Window
		if limit <= 0 {
			limit = l.cfg.Limit
		}
		if win <= 0 {
			win = l.cfg.Window
		}
		return limit, win
	}
	if rt.limitCalls > 0 {
		return rt.limitCalls, l.cfg.Window
	}
	return l.cfg.Limit, l.cfg.Window
}

// take counts one call, sets the X-RateLimit-* headers and returns the 429 error when the budget
// is spent. Reset is absolute epoch milliseconds; the 429 text carries the seconds to wait.
func (l *rateLimiter) take(w http.ResponseWriter, ip string, rt *route, now time.Time) error {
	limit, win := l.budget(rt)
	key := ip + "|" + rt.name + "|" + rt.method
	wd := l.windows[key]
	if wd == nil || !now.Before(wd.start.Add(win)) {
		wd = &rlWindow{start: now}
		l.windows[key] = wd
	}
	reset := wd.start.Add(win)
	wd.count++
	remaining := max(limit-wd.count, 0)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.UnixMilli(), 10))
	if wd.count <= limit {
		return nil
	}
	wait := int(math.Ceil(reset.Sub(now).Seconds()))
	return &apiError{Status: http.StatusTooManyRequests, Msg: fmt.Sprintf(
		"Error, too many requests. Please slow down. You must wait %d seconds before trying this endpoint again. [error-too-many-requests]", wait)}
}
