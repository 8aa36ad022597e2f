// Command mask runs the mask example function (package mask) on Function
// Compute's custom runtime: it serves POST /invoke on $FC_SERVER_PORT.
package main

import (
	"log"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/mask"
)

func main() {
	log.Fatal(fcevent.Serve(mask.Handle))
}
