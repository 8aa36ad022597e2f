// Command echofunc is a function for the console's tests, written for
// Function Compute's custom runtime: an HTTP server on $FC_SERVER_PORT
// whose POST /invoke returns the event it received and logs its size.
package main

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		event, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		log.Printf("echofunc received %d bytes", len(event))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"echo": string(event)})
	})
	addr := "127.0.0.1:" + os.Getenv("FC_SERVER_PORT")
	log.Fatal(http.ListenAndServe(addr, nil))
}
