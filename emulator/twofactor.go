package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// checkTwoFactor is the 2FA hook of twoFactorRequired routes (behaviour doc §6), made
// deterministic: there is no "remember me" window at all, except a PAT created with
// bypassTwoFactor, which skips the check like on the real server.
//
// Method choice: an explicitly requested "totp" (even for a user without TOTP, whose code then
// can only fail, as in index.ts); otherwise TOTP when enabled; otherwise the password fallback (code = lower-case hex SHA-256 of the plain password)
// when the user has a password. E-mail 2FA is off (Accounts_TwoFactorAuthentication_By_Email_Enabled
// is treated as false), so "email" is never chosen.
func (s *Server) checkTwoFactor(c *call, code, requested string) error {
	u := c.user
	if u == nil {
		return nil
	}
	if c.token != nil && c.token.Bypass2FA {
		return nil
	}
	method := ""
	switch {
	case requested == "totp" || u.TOTPEnabled:
		method = "totp"
	case u.PasswordSHA != "":
		method = "password"
	default:
		return nil
	}
	if code == "" {
		available := []string{}
		if u.TOTPEnabled {
			available = append(available, "totp")
		}
		return meteorErr("totp-required", "TOTP Required", map[string]any{
			"method": method, "codeGenerated": false, "availableMethods": available,
		})
	}
	ok := false
	switch method {
	case "totp":
		ok = verifyTOTP(u.TOTPSecret, code, s.clock())
	case "password":
		ok = strings.ToLower(strings.TrimSpace(code)) == u.PasswordSHA
	}
	if !ok {
		return meteorErr("totp-invalid", "TOTP Invalid", map[string]any{"method": method})
	}
	return nil
}

// TOTPCode computes the RFC 6238 code (HMAC-SHA1, 30-second steps, 6 digits) of a base32 secret
// at t. Exported so tests and demos can log in as the "totp" user.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return "", fmt.Errorf("decode totp secret: %w", err)
	}
	return hotp(key, uint64(t.Unix()/30)), nil
}

func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// verifyTOTP accepts the current step and one step either side
// (Accounts_TwoFactorAuthentication_MaxDelta = 1).
func verifyTOTP(secret, code string, now time.Time) bool {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return false
	}
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		want, err := TOTPCode(secret, now.Add(d))
		if err == nil && hmac.Equal([]byte(want), []byte(code)) {
			return true
		}
	}
	return false
}
