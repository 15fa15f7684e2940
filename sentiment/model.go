package sentiment

// EmbeddedModel returns the model file built into the binary, for tools
// that retrain one part of it and measure the rest unchanged (the
// accuracy report's cross-validation). Callers must not modify it.
func EmbeddedModel() []byte { return embeddedModel }
