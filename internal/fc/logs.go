package fc

import (
	"sync"
	"time"
)

// InvocationLog is the record of one recent invocation.
type InvocationLog struct {
	RequestID    string
	AccountID    string
	FunctionName string
	Qualifier    string
	Version      string
	Start        time.Time
	Duration     time.Duration
	ColdStart    bool
	StatusCode   int    // the function's status; 0 when it did not answer
	Error        string // the error kind and reason, or the function's error type
	Lines        []string
}

// logRing keeps the logs of the most recent invocations.
type logRing struct {
	mu      sync.Mutex
	entries []*InvocationLog
	next    int
	full    bool
}

func newLogRing(n int) *logRing { return &logRing{entries: make([]*InvocationLog, n)} }

func (r *logRing) add(l *InvocationLog) {
	r.mu.Lock()
	r.entries[r.next] = l
	r.next++
	if r.next == len(r.entries) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// InvocationLogs returns up to limit logs of recent invocations of accountID,
// newest first. function and requestID, when not empty, select one function
// or one invocation.
func (s *Service) InvocationLogs(accountID, function, requestID string, limit int) []InvocationLog {
	r := s.logs
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []InvocationLog
	n := r.next
	if r.full {
		n = len(r.entries)
	}
	for i := 0; i < n && (limit <= 0 || len(out) < limit); i++ {
		l := r.entries[(r.next-1-i+len(r.entries))%len(r.entries)]
		if l == nil || l.AccountID != accountID ||
			(function != "" && l.FunctionName != function) || (requestID != "" && l.RequestID != requestID) {
			continue
		}
		c := *l
		c.Lines = append([]string(nil), l.Lines...)
		out = append(out, c)
	}
	return out
}
