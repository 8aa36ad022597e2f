package fc

import "github.com/prometheus/client_golang/prometheus"

// metrics are the service's Prometheus collectors. They work unregistered
// when the configuration has no registerer.
type metrics struct {
	reg         prometheus.Registerer
	invocations *prometheus.CounterVec
	duration    prometheus.Histogram
	coldStarts  prometheus.Counter
	instances   prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		reg: reg,
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossfc_fc_invocations_total",
			Help: "Function invocations by result: ok, function_error, timeout, throttled, start_failed, not_found or error.",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ossfc_fc_invocation_duration_seconds",
			Help:    "Time from the start of an invocation to its result, cold starts included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10),
		}),
		coldStarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ossfc_fc_cold_starts_total",
			Help: "Function instances started for an invocation.",
		}),
		instances: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ossfc_fc_instances",
			Help: "Function instance processes running.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range m.collectors() {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.invocations, m.duration, m.coldStarts, m.instances}
}

func (m *metrics) unregister() {
	if m.reg == nil {
		return
	}
	for _, c := range m.collectors() {
		m.reg.Unregister(c)
	}
}
