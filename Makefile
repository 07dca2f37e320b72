# patchbay - GNU make, no generator.
#
#   make            build build/patchbay
#   make run        install what is missing, build, make a demo database, open the console
#   make test       install what the tests need, build, run every test (SAN=1: ASan + UBSan)
#   make bench      performance figures, one JSON object per line
#   make install    PREFIX=/usr/local (DESTDIR honoured)
#   V=1 shows the commands.

PREFIX   ?= /usr/local
STATEDIR ?= /var/lib
GROUP    ?= patchbay
DESTDIR  ?=
CC       ?= cc
SAN      ?=
V        ?=

PKGS      = ncursesw sqlite3 libcurl json-c libsodium netsnmp libpq
TEST_PKGS = cmocka

# Debian packages: what the build needs, and what the tests need on top.
DEB_BUILD = gcc make pkg-config libncurses-dev libsqlite3-dev libcurl4-openssl-dev \
            libjson-c-dev libsodium-dev libhpdf-dev libsnmp-dev libpq-dev
DEB_TEST  = libcmocka-dev tmux sqlite3 python3 locales valgrind openssl hledger snmpd snmp \
            bind9-utils python3-jsonschema python3-yaml \
            postgresql postgresql-client

B        := build
OBJDIR   := $(B)/obj$(if $(SAN),-san)
BIN      := $(B)/patchbay$(if $(SAN),-san)

Q := $(if $(V),,@)

WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wno-unused-parameter
CFLAGS ?= -O2 -g
comma := ,
SANFLAGS = $(if $(SAN),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
             -Isrc -I. -I$(B)/gen $(PKG_CFLAGS) -MMD -MP
# libharu (invoices as PDF) ships no pkg-config file.
LDLIBS   = $(PKG_LIBS) -lhpdf -lpthread -lm

SRCS     := $(sort $(wildcard src/*.c src/*/*.c screens/*.c))
SRCS     := $(filter-out src/tools/%,$(SRCS))
EMBED    := $(sort $(wildcard db/*/*.sql themes/*.theme))
OBJS     := $(SRCS:%.c=$(OBJDIR)/%.o) $(OBJDIR)/gen/embedded.o
LIBOBJS  := $(filter-out $(OBJDIR)/src/main.o,$(OBJS))

TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
HARNESS   := $(sort $(wildcard tests/harness/*.c))
TESTS     := $(TEST_SRCS:tests/unit/%.c=$(B)/tests$(if $(SAN),-san)/%)
HARNESS_OBJS := $(HARNESS:%.c=$(OBJDIR)/%.o)

# A change of flags rebuilds everything (Redis's .make-settings idea).
FLAGS_STAMP := $(OBJDIR)/.flags
FLAGS_NOW   := $(CC) $(ALL_CFLAGS) $(LDLIBS)
$(shell mkdir -p $(OBJDIR) && (test -f $(FLAGS_STAMP) && test "`cat $(FLAGS_STAMP)`" = "$(FLAGS_NOW)" || echo "$(FLAGS_NOW)" > $(FLAGS_STAMP)))

.PHONY: all run test test-unit test-e2e test-valgrind bench install uninstall clean deps deps-test demo-db check-themes

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LD    $@"
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(OBJDIR)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/gen/embedded.c: $(B)/embed $(EMBED)
	@mkdir -p $(dir $@)
	@echo "  GEN   $@"
	$(Q)$(B)/embed $@ $(EMBED)

$(OBJDIR)/gen/embedded.o: $(B)/gen/embedded.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/embed: src/tools/embed.c
	@mkdir -p $(B)
	$(Q)$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# ---- tests ----------------------------------------------------------------

$(B)/tests$(if $(SAN),-san)/%: $(OBJDIR)/tests/unit/%.o $(LIBOBJS) $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD    $@"
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

$(OBJDIR)/tests/%.o: tests/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests -c -o $@ $<

# Installs what is missing when root; otherwise names the one command.
deps:
	@tests/sh/deps.sh $(DEB_BUILD)

deps-test:
	@tests/sh/deps.sh $(DEB_BUILD) $(DEB_TEST)

test: deps-test
	$(Q)$(MAKE) --no-print-directory all $(TESTS) SAN=$(SAN)
	$(Q)BIN=$(BIN) SAN=$(SAN) VALGRIND=also tests/sh/run-tests.sh $(TESTS)

test-unit: $(TESTS)
	$(Q)BIN=$(BIN) SAN=$(SAN) ONLY=unit tests/sh/run-tests.sh $(TESTS)

# Every unit test under valgrind (tests/valgrind.supp: SQLite's own report).
test-valgrind: $(TESTS)
	$(Q)BIN=$(BIN) VALGRIND=only ONLY=unit tests/sh/run-tests.sh $(TESTS)

test-e2e: all
	$(Q)BIN=$(BIN) SAN=$(SAN) ONLY=e2e tests/sh/run-tests.sh

bench: deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BIN=$(BIN) tests/bench/run.sh

# ---- running --------------------------------------------------------------

DATA_HOME = $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
DEMO_DB   = $(DATA_HOME)/patchbay/patchbay.db

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)test -f "$(DEMO_DB)" || { echo "  DEMO  $(DEMO_DB)"; \
	    $(BIN) --db "sqlite:$(DEMO_DB)" init --demo --customers 2000 --seed 1; }
	$(Q)$(BIN) --db "sqlite:$(DEMO_DB)"

# ---- installing -----------------------------------------------------------

# As root, the binary becomes setgid to GROUP (made when missing) and
# STATEDIR/patchbay the group's directory for the shared database: operators
# logged in as themselves use the console but cannot read the files.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/patchbay/themes \
	    $(DESTDIR)$(PREFIX)/share/patchbay/db/sqlite $(DESTDIR)$(PREFIX)/share/patchbay/db/postgres \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/patchbay
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/patchbay/themes/
	install -m 0644 db/sqlite/*.sql $(DESTDIR)$(PREFIX)/share/patchbay/db/sqlite/
	install -m 0644 db/postgres/*.sql $(DESTDIR)$(PREFIX)/share/patchbay/db/postgres/
	install -m 0644 src/patchbay.1 $(DESTDIR)$(PREFIX)/share/man/man1/patchbay.1
	$(Q)if [ "$$(id -u)" = 0 ]; then \
	    getent group $(GROUP) >/dev/null || groupadd --system $(GROUP) || exit 1; \
	    chgrp $(GROUP) $(DESTDIR)$(PREFIX)/bin/patchbay && chmod 2755 $(DESTDIR)$(PREFIX)/bin/patchbay && \
	    install -d -g $(GROUP) -m 2770 $(DESTDIR)$(STATEDIR)/patchbay && \
	    echo "  patchbay is setgid $(GROUP); a shared database goes in $(STATEDIR)/patchbay"; \
	else \
	    echo "  not root: installed without the $(GROUP) group (see README, Shared host)"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/patchbay $(DESTDIR)$(PREFIX)/share/man/man1/patchbay.1
	rm -rf $(DESTDIR)$(PREFIX)/share/patchbay

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
