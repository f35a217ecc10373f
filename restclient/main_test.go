package restclient_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind (a body
// not closed, a timer not stopped, a connection never released).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
