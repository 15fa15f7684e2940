// Command earshot watches reviews and social mentions of a business, flags
// complaints, opens apology tasks with deadlines and tells the owner. All
// the work is in package cli and below; main only wires the process's
// streams, environment and signals.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/earshot/earshot/cli"
)

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}
