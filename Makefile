# Mote: a cross-compiler for a small async language, targeting ARM Cortex-M.
#   make deps   install QEMU and gcc-arm-none-eabi's libgcc (the dependencies outside Maven Central)
#   make build  compile the compiler into compiler/target/mote.jar
#   make run    build and run examples/hello.mote in QEMU
#   make test   the whole test suite (needs QEMU; installs it and gdb-multiarch when missing)
#   make bench  size per optimization, Mote against hand-written C and rustc (installs Debian's
#               rustc-web and rust-web-src when missing), runtime speed, compile time
#   make bench-compile  compile time and memory on generated programs up to 20,000 lines (issue 13)
#   make bless  regenerate golden snapshots after a deliberate change (review the diff)
#   make platforms  each other host's Maven profile resolves its LLVM artifact (run by .ci/run)
#   make vscode the VS Code extension in editors/vscode (needs node and npm): grammar check, mote.vsix
#   make fuzz   the fuzzers, much longer than `make test` runs them: the front-end robustness
#               test (FUZZ_MUTATIONS mutants per program) and the differential test of generated
#               programs across the build matrix (FUZZ_PROGRAMS programs, FUZZ_BUILDS builds each)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: deps gdb-deps build run test bench bench-deps bench-compile bless

# gcc-arm-none-eabi: libgcc's f32 helpers for cores without an FPU (mote.link.Libgcc).
deps:
	@command -v qemu-system-arm >/dev/null 2>&1 || { \
	  echo "installing qemu-system-arm"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-system-arm; }
	@ls -d /usr/lib/gcc/arm-none-eabi/*/thumb >/dev/null 2>&1 || [ -n "$$MOTE_LIBGCC" ] || { \
	  echo "installing gcc-arm-none-eabi (libgcc's soft-float helpers for f32)"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc-arm-none-eabi; }

build:
	mvn -q -B package -DskipTests

run: deps build
	bin/mote run examples/hello.mote

# GdbSessionTest debugs programs under QEMU with Debian's gdb-multiarch.
gdb-deps:
	@command -v gdb-multiarch >/dev/null 2>&1 || { \
	  echo "installing gdb-multiarch"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y gdb-multiarch; }

test: deps gdb-deps
	mvn -B test

# The rustc column of `make bench`: Debian's rustc-web targets thumbv7m, and rust-web-src has
# the library source its core is built from (mote.bench.RustBaseline). MOTE_RUSTC: another rustc.
bench-deps:
	@[ -n "$$MOTE_RUSTC" ] || { [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library/core ]; } || { \
	  echo "installing rustc-web and rust-web-src (the rustc column of make bench)"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rustc-web rust-web-src; }

bench: deps bench-deps build
	java -Dmote.home=$(CURDIR) -cp compiler/target/mote.jar mote.bench.Bench

# BENCH_ARGS: e.g. `--only firmware-10k,chain-2000`, or `--jar OLD.jar --no-timings` for an older mote.
bench-compile: build
	java -Dmote.home=$(CURDIR) -cp compiler/target/mote.jar mote.bench.CompileBench $(BENCH_ARGS)

bless:
	MOTE_BLESS=1 mvn -q -B test
# Many more mutants for the front-end robustness test than `make test` checks (per program),
# and many more generated programs for the differential test (FUZZ_SEED: the first seed).
FUZZ_MUTATIONS ?= 2000
FUZZ_PROGRAMS ?= 5000
FUZZ_BUILDS ?= 2
FUZZ_SEED ?= 1
.PHONY: fuzz
fuzz: deps
	mvn -B test -Dtest='FrontEndRobustnessTest,DifferentialFuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dmote.fuzz.mutations=$(FUZZ_MUTATIONS) -Dmote.fuzz.programs=$(FUZZ_PROGRAMS) \
	  -Dmote.fuzz.builds=$(FUZZ_BUILDS) -Dmote.fuzz.seed=$(FUZZ_SEED)

# Issue 17: each other platform's Maven profile resolves its bytedeco LLVM artifact (downloads
# them, about 1 GB in all, into ~/.m2; nothing runs on those hosts). .ci/run does this after the tests.
PLATFORMS := linux-arm64 macosx-arm64 macosx-x86_64 windows-x86_64
platforms:
	@for p in $(PLATFORMS); do \
	  mvn -B -q -Dstyle.color=never -Djavacpp.platform=$$p -pl compiler dependency:resolve -DincludeArtifactIds=llvm,javacpp >/dev/null \
	    && ls ~/.m2/repository/org/bytedeco/llvm/*/llvm-*-$$p.jar >/dev/null \
	    && echo "platform $$p: the LLVM artifact resolves" \
	    || { echo "platform $$p: the LLVM artifact does NOT resolve"; exit 1; }; \
	done
.PHONY: platforms

# The VS Code extension (editors/vscode): its grammar checked through VS Code's TextMate engine,
# then packaged as editors/vscode/mote.vsix. Needs node and npm; the compiler's build does not.
vscode:
	cd editors/vscode && npm ci --no-audit --no-fund && npm test && npm run package
.PHONY: vscode
