# zaakstroom — build, test, run.
#
#   make                 build every daemon, the zs tool and the unit tests
#   make test            unit tests, then system tests against a real Kafka and PostgreSQL
#   make demo            install what is missing, start everything, play the scenario
#   make up / down       start / stop the local Kafka and PostgreSQL (under .run/)
#   make bench           measure (results in bench/results/latest.json)
#   make fuzz            run the fuzz targets for a while (clang, libFuzzer)
#   make fmt             clang-format every C file
#
# Knobs: OPT=-O0, SANITIZER=address|undefined, V=1 (show commands).

CC        ?= cc
OPT       ?= -O2
SANITIZER ?=
BUILD     ?= build

WARN    = -Wall -Wextra -Werror -Wno-missing-field-initializers -Wstrict-prototypes \
          -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS  += -std=gnu11 -g $(OPT) $(WARN) -D_GNU_SOURCE -MMD -MP -Icommon -I/usr/include/postgresql -fno-strict-aliasing
LDLIBS  += -lrdkafka -lavro -lpq -ljansson -levent -lssl -lcrypto -lcurl -lz -lm

ifeq ($(SANITIZER),address)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SANITIZER),undefined)
CFLAGS  += -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=undefined
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

# common/ in layers, one archive each, linked top layer first so that a lower
# layer can never lean on a higher one (tools/build/check-layers.sh checks the
# includes; see common/README.md).
LAYERS      := daemon access zgw http stream wire core
LAYER_LIBS  := $(LAYERS:%=$(BUILD)/libzs_%.a)
DAEMONS     := $(notdir $(patsubst %/,%,$(dir $(wildcard services/*/main.c))))
DOMAIN_SRC  := $(filter-out %/main.c,$(wildcard services/*/*.c))
DOMAIN_OBJ  := $(DOMAIN_SRC:%.c=$(BUILD)/%.o)
ZS_SRC      := $(wildcard tools/zs/*.c)
ZS_OBJ      := $(ZS_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRC  := $(wildcard tests/helpers/*.c)
HELPER_BIN  := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/%)
BENCH_SRC   := $(wildcard bench/*.c)
BENCH_BIN   := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

BINS := $(DAEMONS:%=$(BUILD)/bin/zs-%) $(if $(ZS_SRC),$(BUILD)/bin/zs)

.SECONDARY:

.PHONY: layers all test unit system demo up down bench fuzz clean fmt fmt-check valgrind deps web
all: $(BINS) $(UNIT_BIN) $(HELPER_BIN) $(BENCH_BIN) web

# The resident's page (web/): npm installs exactly what package-lock.json
# pins (from its cache when it can), build.mjs copies what the page uses into
# web/dist/, which zs-status serves.
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	@$(if $(Q),echo "  NPM     web/package-lock.json")
	$(Q)cd web && npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	$(Q)touch $@

web/dist/index.html: web/node_modules/.package-lock.json web/build.mjs $(wildcard web/src/*)
	@$(if $(Q),echo "  WEB     web/dist")
	$(Q)node web/build.mjs >/dev/null

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

define layer_rule
$(BUILD)/libzs_$(1).a: $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/$(1)/*.c)) | layers
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

# Every ZS_* name some program or script of ours reads, for the warning about
# unknown settings (core/config.c); rewritten only when it changes.
KNOWN_FROM := $(wildcard common/*/*.[ch] services/*/*.[ch] tools/zs/*.c deploy/local/*.sh \
                $(filter-out tests/system/test_%,$(wildcard tests/system/*.py)) tests/run.sh .ci/run \
                docker-compose.yml)
$(BUILD)/gen/known_settings.c: $(KNOWN_FROM) tools/build/known-settings.sh
	@mkdir -p $(dir $@)
	$(Q)tools/build/known-settings.sh > $@.tmp && (cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@)

$(BUILD)/gen/known_settings.o: $(BUILD)/gen/known_settings.c
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libzs_core.a: $(BUILD)/gen/known_settings.o

# Refuses an include that goes the wrong way between layers.
layers:
	$(Q)tools/build/check-layers.sh

$(BUILD)/libdomain.a: $(DOMAIN_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# One daemon = its main.c + its domain objects + libzs.
define daemon_rule
$(BUILD)/bin/zs-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/$(1)/*.c)) $(LAYER_LIBS)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach d,$(DAEMONS),$(eval $(call daemon_rule,$(d))))

$(BUILD)/bin/zs: $(ZS_OBJ) $(BUILD)/libdomain.a $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libdomain.a $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/%: $(BUILD)/tests/helpers/%.o $(BUILD)/libdomain.a $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libdomain.a $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Tests: unit (cmocka, no Kafka or PostgreSQL), then system (pytest against the
# real broker and server that the harness starts itself). One summary line at the end.
# test and demo install what a fresh machine lacks first (fast when nothing is).
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh all

unit: all
	$(Q)tests/run.sh unit

system: all
	$(Q)tests/run.sh system

# valgrind over the unit tests (the daemons under valgrind: ZS_VALGRIND=1 make system).
valgrind: all
	$(Q)ZS_VALGRIND=1 tests/run.sh unit

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)deploy/local/demo.sh

up: all
	$(Q)deploy/local/up.sh
	$(Q)deploy/local/daemons.sh start

down:
	$(Q)deploy/local/down.sh

deps:
	$(Q)deploy/local/deps.sh

bench: all
	$(Q)bench/run.sh

fuzz:
	$(Q)BUILD=$(BUILD) tests/fuzz/run.sh

fmt:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

fmt-check:
	$(Q)clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) web/dist

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
