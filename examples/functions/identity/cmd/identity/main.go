// Command identity runs the identity example function (package identity) on Function
// Compute's custom runtime: it serves POST /invoke on $FC_SERVER_PORT.
package main

import (
	"log"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/identity"
)

func main() {
	log.Fatal(fcevent.Serve(identity.Handle))
}
