package objectfc

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus collectors of transformed GetObjects, labelled
// by Object FC Access Point name. A nil *Metrics records nothing.
type Metrics struct {
	requests    *prometheus.CounterVec
	invocations *prometheus.CounterVec
	firstBytes  *prometheus.HistogramVec
	totals      *prometheus.HistogramVec
	bytes       *prometheus.CounterVec
	wgorErrors  *prometheus.CounterVec
	failures    *prometheus.CounterVec
}

// NewMetrics registers the collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	latency := prometheus.ExponentialBuckets(0.0005, 2, 18)
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_objectfc_requests_total", Help: "Transformed GetObject requests.",
		}, []string{"access_point"}),
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_objectfc_invocations_total", Help: "Function invocations for transformed GetObjects.",
		}, []string{"access_point"}),
		firstBytes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ossfc_objectfc_first_byte_seconds", Help: "Time from the GetObject to the function's WriteGetObjectResponse.", Buckets: latency,
		}, []string{"access_point"}),
		totals: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ossfc_objectfc_total_seconds", Help: "Time from the GetObject to the last byte relayed.", Buckets: latency,
		}, []string{"access_point"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_objectfc_bytes_total", Help: "Body bytes relayed from functions to callers.",
		}, []string{"access_point"}),
		wgorErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_objectfc_write_get_object_response_errors_total", Help: "WriteGetObjectResponse calls answered with an error, by status class.",
		}, []string{"access_point", "class"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_objectfc_failures_total", Help: "Transformed GetObjects that failed, by OSS error code.",
		}, []string{"access_point", "code"}),
	}
	reg.MustRegister(m.requests, m.invocations, m.firstBytes, m.totals, m.bytes, m.wgorErrors, m.failures)
	return m
}

func (m *Metrics) request(name string) {
	if m != nil {
		m.requests.WithLabelValues(name).Inc()
	}
}

func (m *Metrics) invocation(name string) {
	if m != nil {
		m.invocations.WithLabelValues(name).Inc()
	}
}

func (m *Metrics) firstByte(name string, d time.Duration) {
	if m != nil {
		m.firstBytes.WithLabelValues(name).Observe(d.Seconds())
	}
}

func (m *Metrics) done(name string, d time.Duration, n int64) {
	if m != nil {
		m.totals.WithLabelValues(name).Observe(d.Seconds())
		m.bytes.WithLabelValues(name).Add(float64(n))
	}
}

func (m *Metrics) failure(name, code string) {
	if m != nil {
		m.failures.WithLabelValues(name, code).Inc()
	}
}

// wgorError counts a refused WriteGetObjectResponse. A call whose token is
// unknown or used cannot be tied to an access point; it counts under
// "unknown".
func (m *Metrics) wgorError(name string, status int) {
	if name == "" {
		name = "unknown"
	}
	if m != nil {
		m.wgorErrors.WithLabelValues(name, strconv.Itoa(status/100)+"xx").Inc()
	}
}
