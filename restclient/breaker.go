package restclient

import (
	"errors"
	"strconv"
	"sync"
	"time"
)

// ErrCircuitOpen is matched (errors.Is) by the *CircuitOpenError a call fails with, without
// reaching the server, while the circuit breaker is open.
var ErrCircuitOpen = errors.New("circuit breaker open")

// CircuitOpenError is the failure of a call refused by the open circuit breaker. Until is when
// the breaker lets the next probe call through.
type CircuitOpenError struct {
	Until time.Time
}

func (e *CircuitOpenError) Error() string {
	return "circuit breaker open for " + strconv.FormatInt(time.Until(e.Until).Milliseconds(), 10) + " ms"
}

// Is makes errors.Is(err, ErrCircuitOpen) true.
func (e *CircuitOpenError) Is(target error) bool { return target == ErrCircuitOpen }

// BreakerOptions configures the circuit breaker of a Client (WithBreaker).
type BreakerOptions struct {
	// Failures is the number of consecutive failed calls (connection errors, timeouts, 5xx) that
	// opens the circuit. 0 disables the breaker.
	Failures int
	// OpenFor is how long the circuit stays open before one probe call is let through
	// (half-open). A successful probe closes the circuit; a failed one opens it again.
	OpenFor time.Duration
}

type breakerState int

const (
	breakerClosed breakerState = iota
	breakerOpen
	breakerHalfOpen
)

// breaker is a consecutive-failure circuit breaker for one upstream. The zero value (threshold 0)
// lets every call through.
type breaker struct {
	threshold int
	openFor   time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    breakerState
	failures int
	until    time.Time
	probing  bool
}

// outcome is what a call tells the breaker.
type outcome int

const (
	outcomeSuccess outcome = iota // the server answered (any 2xx/4xx, including 429)
	outcomeFailure                // unreachable, timed out, or 5xx
	outcomeIgnore                 // the caller gave up: says nothing about the server
)

// allow reports whether a call may go out now; probe is true when it is the single half-open
// probe, whose outcome decides the state. Refused calls get a *CircuitOpenError.
func (b *breaker) allow() (probe bool, err error) {
	if b.threshold <= 0 {
		return false, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case breakerOpen:
		if b.now().Before(b.until) {
			return false, &CircuitOpenError{Until: b.until}
		}
		b.state = breakerHalfOpen
		b.probing = true
		return true, nil
	case breakerHalfOpen:
		if b.probing {
			return false, &CircuitOpenError{Until: b.now().Add(b.openFor)}
		}
		b.probing = true
		return true, nil
	}
	return false, nil
}

// done records the outcome of an allowed call.
func (b *breaker) done(probe bool, o outcome) {
	if b.threshold <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch o {
	case outcomeIgnore:
		return
	case outcomeSuccess:
		if probe || b.state == breakerClosed {
			b.state, b.failures = breakerClosed, 0
		}
	case outcomeFailure:
		if probe || b.state == breakerHalfOpen {
			b.open()
			return
		}
		if b.state == breakerClosed {
			b.failures++
			if b.failures >= b.threshold {
				b.open()
			}
		}
	}
}

func (b *breaker) open() {
	b.state, b.failures = breakerOpen, 0
	b.until = b.now().Add(b.openFor)
}
