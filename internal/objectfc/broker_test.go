package objectfc

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

func TestBrokerDeliverHandsOverAndWaitsForRelay(t *testing.T) {
	b := NewBroker()
	p := b.Register("route-1", "STS.key-1", "fcap")
	defer p.Close()
	if !strings.HasPrefix(p.Token, TokenPrefix) {
		t.Errorf("token %q lacks prefix %q", p.Token, TokenPrefix)
	}

	relayed := make(chan string, 1)
	go func() {
		resp := <-p.Responses()
		data, err := io.ReadAll(resp.Body)
		relayed <- string(data)
		resp.Finish(err)
	}()

	resp := NewResponse(200, http.Header{"Content-Type": {"text/plain"}}, strings.NewReader("transformed"), 11)
	if _, err := b.Deliver(context.Background(), p.Token, "route-1", "STS.key-1", resp); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if got := <-relayed; got != "transformed" {
		t.Errorf("relayed %q", got)
	}
	if b.Len() != 0 {
		t.Errorf("token still pending after delivery")
	}
}

func TestBrokerRejects(t *testing.T) {
	b := NewBroker()
	p := b.Register("route-1", "STS.key-1", "fcap")
	defer p.Close()

	tests := []struct {
		name, token, route, key string
		code                    osserr.Code
	}{
		{"unknown token", "OSSV1#nope", "route-1", "STS.key-1", osserr.AccessDenied},
		{"other principal", p.Token, "route-1", "STS.key-2", osserr.AccessDenied},
		{"wrong route", p.Token, "route-2", "STS.key-1", osserr.InvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.Deliver(context.Background(), tc.token, tc.route, tc.key, NewResponse(200, nil, strings.NewReader(""), 0))
			if !osserr.Is(err, tc.code) {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}
	if b.Len() != 1 {
		t.Errorf("a rejected call consumed the token")
	}
}

func TestBrokerTokenIsSingleUse(t *testing.T) {
	b := NewBroker()
	p := b.Register("r", "k", "fcap")
	defer p.Close()
	go func() {
		resp := <-p.Responses()
		resp.Finish(nil)
	}()
	if _, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader(""), 0)); err != nil {
		t.Fatal(err)
	}
	_, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader(""), 0))
	if !osserr.Is(err, osserr.AccessDenied) {
		t.Errorf("second use: got %v, want AccessDenied", err)
	}
}

func TestBrokerClosedEntryRejectsLateResponse(t *testing.T) {
	b := NewBroker()
	p := b.Register("r", "k", "fcap")
	p.Close()
	p.Close()
	_, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader(""), 0))
	if !osserr.Is(err, osserr.AccessDenied) {
		t.Errorf("late response: got %v, want AccessDenied", err)
	}
	if b.Len() != 0 {
		t.Errorf("closed entry still pending")
	}
}

func TestBrokerCallerGivesUpAfterHandOver(t *testing.T) {
	b := NewBroker()
	p := b.Register("r", "k", "fcap")

	// The caller times out between the hand-over and reading the channel.
	errc := make(chan error, 1)
	go func() {
		_, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader("x"), 1))
		errc <- err
	}()
	for b.Len() != 0 {
		time.Sleep(time.Millisecond)
	}
	p.Close()

	select {
	case err := <-errc:
		if !osserr.Is(err, osserr.ClientDisconnected) || !errors.Is(err, ErrCallerGone) {
			t.Errorf("got %v, want ClientDisconnected caused by ErrCallerGone", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Deliver still waiting after the caller closed the entry")
	}
}

func TestBrokerRelayFailureReachesFunction(t *testing.T) {
	b := NewBroker()
	p := b.Register("r", "k", "fcap")
	defer p.Close()
	go func() {
		resp := <-p.Responses()
		resp.Finish(errors.New("write: broken pipe"))
	}()
	_, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader("x"), 1))
	if !osserr.Is(err, osserr.ClientDisconnected) {
		t.Errorf("got %v, want ClientDisconnected", err)
	}
}

func TestBrokerFunctionContextEnds(t *testing.T) {
	b := NewBroker()
	p := b.Register("r", "k", "fcap")
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-p.Responses()
		cancel() // the function's connection breaks while the caller copies
	}()
	_, err := b.Deliver(ctx, p.Token, "r", "k", NewResponse(200, nil, strings.NewReader("x"), 1))
	if !osserr.Is(err, osserr.ClientDisconnected) {
		t.Errorf("got %v, want ClientDisconnected", err)
	}
}

func TestBrokerConcurrentTokens(t *testing.T) {
	b := NewBroker()
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := b.Register("r", "k", "fcap")
			defer p.Close()
			go func() {
				resp := <-p.Responses()
				io.Copy(io.Discard, resp.Body)
				resp.Finish(nil)
			}()
			if _, err := b.Deliver(context.Background(), p.Token, "r", "k", NewResponse(200, nil, strings.NewReader("data"), 4)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if b.Len() != 0 {
		t.Errorf("%d tokens leaked", b.Len())
	}
}
