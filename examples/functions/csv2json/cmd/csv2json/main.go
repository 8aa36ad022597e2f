// Command csv2json runs the csv2json example function (package csv2json) on Function
// Compute's custom runtime: it serves POST /invoke on $FC_SERVER_PORT.
package main

import (
	"log"

	"github.com/ossfc/ossfc/examples/functions/csv2json"
	"github.com/ossfc/ossfc/examples/functions/fcevent"
)

func main() {
	log.Fatal(fcevent.Serve(csv2json.Handle))
}
