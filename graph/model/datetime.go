package model

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// dateTimeLayout is how Rocket.Chat writes dates: UTC with milliseconds.
const dateTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalDateTime writes t as Rocket.Chat does, so clients see the same strings through the gateway
// as from the REST API.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b := make([]byte, 0, len(dateTimeLayout)+2)
		b = append(b, '"')
		b = t.UTC().AppendFormat(b, dateTimeLayout)
		b = append(b, '"')
		_, _ = w.Write(b)
	})
}

// UnmarshalDateTime accepts any RFC 3339 date-time (with or without fractions).
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, &InputError{Message: "DateTime must be an RFC 3339 string such as " + strconv.Quote("2024-05-01T10:00:00.000Z")}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &InputError{Message: "DateTime " + strconv.Quote(s) + " is not an RFC 3339 date-time"}
	}
	return t, nil
}
