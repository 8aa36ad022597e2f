package policy

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
)

// family is the value type an operator compares.
type family int

const (
	familyString family = iota
	familyNumeric
	familyDate
	familyBool
	familyIP
)

// comparison is the test an operator applies to a request value and a policy
// value. Negated operators test the positive comparison and invert the
// result, so their values combine with NOR instead of OR.
type comparison int

const (
	compareEquals comparison = iota
	compareEqualsIgnoreCase
	compareLike
	compareLess
	compareLessEquals
	compareGreater
	compareGreaterEquals
	compareInPrefix
)

type operator struct {
	family  family
	compare comparison
	negated bool
}

// operators lists the condition operators RAM documents. Their names are
// matched exactly.
var operators = map[string]operator{
	"StringEquals":              {familyString, compareEquals, false},
	"StringNotEquals":           {familyString, compareEquals, true},
	"StringEqualsIgnoreCase":    {familyString, compareEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {familyString, compareEqualsIgnoreCase, true},
	"StringLike":                {familyString, compareLike, false},
	"StringNotLike":             {familyString, compareLike, true},
	"NumericEquals":             {familyNumeric, compareEquals, false},
	"NumericNotEquals":          {familyNumeric, compareEquals, true},
	"NumericLessThan":           {familyNumeric, compareLess, false},
	"NumericLessThanEquals":     {familyNumeric, compareLessEquals, false},
	"NumericGreaterThan":        {familyNumeric, compareGreater, false},
	"NumericGreaterThanEquals":  {familyNumeric, compareGreaterEquals, false},
	"DateEquals":                {familyDate, compareEquals, false},
	"DateNotEquals":             {familyDate, compareEquals, true},
	"DateLessThan":              {familyDate, compareLess, false},
	"DateLessThanEquals":        {familyDate, compareLessEquals, false},
	"DateGreaterThan":           {familyDate, compareGreater, false},
	"DateGreaterThanEquals":     {familyDate, compareGreaterEquals, false},
	"Bool":                      {familyBool, compareEquals, false},
	"IpAddress":                 {familyIP, compareInPrefix, false},
	"NotIpAddress":              {familyIP, compareInPrefix, true},
}

// condition is one key under one operator, with its policy values parsed
// for the operator's family. Only the slice of that family is set.
type condition struct {
	op  operator
	key string // lower-cased

	strings  []string // string family, with ARNs normalized for oss:DataAccessPointArn
	numbers  []float64
	times    []time.Time
	bools    []bool
	prefixes []netip.Prefix
}

var keyDataAccessPointArnLower = strings.ToLower(KeyDataAccessPointArn)

// eval reports whether the condition holds for the request.
//
// A key the request lacks makes a negated operator hold and every other
// operator fail. AWS IAM documents this rule and RAM documents none. A request
// value that does not parse as the operator's type makes the condition fail
// whatever the operator, so a malformed value never satisfies a negated
// operator either.
func (c *condition) eval(values *contextValues) bool {
	requestValues := values.lookup(c.key)
	if len(requestValues) == 0 {
		return c.op.negated
	}

	found := false
	for _, v := range requestValues {
		matched, ok := c.matchOne(v)
		if !ok {
			return false
		}
		if matched {
			found = true
		}
	}
	return found != c.op.negated
}

// matchOne reports whether request value v matches any policy value, and
// false for ok when v does not parse as the operator's type.
func (c *condition) matchOne(v string) (matched, ok bool) {
	switch c.op.family {
	case familyString:
		if c.key == keyDataAccessPointArnLower {
			v = arn.NormalizeAccessPoint(v)
		}
		for _, want := range c.strings {
			if compareStrings(c.op.compare, v, want) {
				return true, true
			}
		}
		return false, true

	case familyNumeric:
		n, err := parseNumber(v)
		if err != nil {
			return false, false
		}
		for _, want := range c.numbers {
			if compareOrdered(c.op.compare, n, want) {
				return true, true
			}
		}
		return false, true

	case familyDate:
		t, err := parseDate(v)
		if err != nil {
			return false, false
		}
		for _, want := range c.times {
			if compareOrdered(c.op.compare, t.Compare(want), 0) {
				return true, true
			}
		}
		return false, true

	case familyBool:
		b, err := parseBool(v)
		if err != nil {
			return false, false
		}
		for _, want := range c.bools {
			if b == want {
				return true, true
			}
		}
		return false, true

	case familyIP:
		addr, err := netip.ParseAddr(v)
		if err != nil {
			return false, false
		}
		addr = addr.Unmap().WithZone("")
		for _, want := range c.prefixes {
			if want.Contains(addr) {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

func compareStrings(cmp comparison, v, want string) bool {
	switch cmp {
	case compareEquals:
		return v == want
	case compareEqualsIgnoreCase:
		return strings.EqualFold(v, want)
	case compareLike:
		return matchWildcard(want, v)
	}
	return false
}

func compareOrdered[T int | float64](cmp comparison, v, want T) bool {
	switch cmp {
	case compareEquals:
		return v == want
	case compareLess:
		return v < want
	case compareLessEquals:
		return v <= want
	case compareGreater:
		return v > want
	case compareGreaterEquals:
		return v >= want
	}
	return false
}

// parseNumber accepts decimal numbers as JSON writes them and as
// strconv.ParseFloat reads them, except NaN and the infinities.
func parseNumber(s string) (float64, error) {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, strconv.ErrRange
	}
	return n, nil
}

// dateLayouts are the accepted spellings of a date. RAM's examples use RFC
// 3339 with an offset, such as 2019-08-12T17:00:00+08:00.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
}

// parseDate accepts the layouts above, read as UTC when they carry no
// offset, and whole seconds since the Unix epoch.
func parseDate(s string) (time.Time, error) {
	var firstErr error
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	return time.Time{}, firstErr
}

func parseBool(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, nil
	case strings.EqualFold(s, "false"):
		return false, nil
	}
	return false, strconv.ErrSyntax
}

// parsePrefix accepts a CIDR block or a single address, IPv4 or IPv6. Host
// bits are cleared and IPv4-mapped IPv6 blocks are read as IPv4, because
// request addresses are unmapped before the test.
func parsePrefix(s string) (netip.Prefix, error) {
	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		addr, addrErr := netip.ParseAddr(s)
		if addrErr != nil || addr.Zone() != "" {
			return netip.Prefix{}, err
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	if prefix.Addr().Is4In6() && prefix.Bits() >= 96 {
		prefix = netip.PrefixFrom(prefix.Addr().Unmap(), prefix.Bits()-96)
	}
	return prefix.Masked(), nil
}

// contextValues resolves condition keys against a request's Context.
type contextValues struct {
	ctx *Context
	now time.Time
}

func newContextValues(ctx *Context) *contextValues {
	now := ctx.CurrentTime
	if now.IsZero() {
		now = time.Now()
	}
	return &contextValues{ctx: ctx, now: now}
}

var (
	keySourceIPLower        = strings.ToLower(KeySourceIP)
	keyCurrentTimeLower     = strings.ToLower(KeyCurrentTime)
	keySecureTransportLower = strings.ToLower(KeySecureTransport)
)

// lookup returns the request's values for key, which is lower-cased. The
// typed Context fields win over Keys for the keys they cover.
func (cv *contextValues) lookup(key string) []string {
	switch key {
	case keySourceIPLower:
		if cv.ctx.SourceIP.IsValid() {
			return []string{cv.ctx.SourceIP.String()}
		}
	case keyCurrentTimeLower:
		return []string{cv.now.Format(time.RFC3339Nano)}
	case keySecureTransportLower:
		return []string{strconv.FormatBool(cv.ctx.SecureTransport)}
	}

	if values, ok := cv.ctx.Keys[key]; ok {
		return values
	}
	for name, values := range cv.ctx.Keys {
		if strings.EqualFold(name, key) {
			return values
		}
	}
	return nil
}
