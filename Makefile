# Everyday targets. `make test` is the README's test command.
GO ?= go

.PHONY: test bench lint fuzz build demo accuracy accuracy-complaints

build:
	$(GO) build -o earshot ./cmd/earshot

demo:
	$(GO) run ./cmd/earshot demo

test:
	bash scripts/test.sh

# Benchmarks write their figures to stdout; BENCHMARKS.md records them
# with the command that produced them.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

# Accuracy report: every metric beside govader's on the same data, in one
# run (5-fold cross-validation where the model learns; 10-fold for the
# complaint tweets). Needs ../shared.
DATA ?= ../shared/datasets
accuracy:
	$(GO) run ./cmd/accuracy -data $(DATA)

# The complaint tweets part alone (10-fold), a few minutes.
accuracy-complaints:
	$(GO) run ./cmd/accuracy -data $(DATA) -only complaints

lint:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...

# Short fuzzing of every fuzz target (seeds always run as part of `make test`).
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
