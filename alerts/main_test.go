package alerts

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashHelperEnv); dir != "" {
		crashChild(dir) // does not return: the process kills itself
	}
	os.Exit(m.Run())
}
