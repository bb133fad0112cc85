# vnetd — the only build entry. See README.md.
#   make              build ./build/vnetd
#   make check        install test dependencies, build, run unit + fuzz + system tests
#   make check SANITIZE=1   the same with -fsanitize=address,undefined
#   make soak         DHCP + DNS load for ~8 minutes, then checks for leaks and lost leases
#   make bench        start/stop timings, DHCP/DNS side by side with dnsmasq, live update/reload
#   make bench BENCH_ARGS=--quick   the same in short runs (tries the harness)
#   make demo         the default network in a throwaway namespace, then removed
#   make run          install dependencies, build, install, start the default network
#   make install      honours PREFIX and DESTDIR
#   make deps         install the Debian packages needed to build and test

VERSION   := 0.1.0
PREFIX    ?= /usr/local
SYSCONFDIR ?= /etc
# firewalld reads zones of packages from here only (not from /usr/local)
FIREWALLD_ZONEDIR ?= /usr/lib/firewalld/zones
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
PYTHON    ?= /usr/bin/python3

PKGS      := libnl-3.0 libnl-route-3.0 libxml-2.0 libcap-ng libmnl libnftnl libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
             -Wshadow -Wformat=2 -Wmissing-prototypes -fno-strict-aliasing \
             -D_GNU_SOURCE -DVNETD_VERSION='"$(VERSION)"'
LDLIBS    += $(PKG_LIBS)

ifeq ($(SANITIZE),1)
CFLAGS    += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=address,undefined
BUILD     := build-san
endif

# `make` alone builds the program: the module rules below come first in the
# file and would otherwise make their first object the default goal.
.DEFAULT_GOAL := all

# ---- modules -----------------------------------------------------------------
# Each library and each part of netd/ is an archive of its own, compiled with
# an include directory that holds only what it may include: its own folder
# and the public header of every module it uses (directly or through another
# public header). An include of anything else does not build. See
# ARCHITECTURE.md for what each module owns.
MODULES := wire lease dhcpv4 dhcpv6 dns tftp ra bridge nat base def adapt ctl serve host cli nss

wire.dir   := dhcp/wire
wire.pub   := dhcp/wire/wire.h
lease.dir  := dhcp/lease
lease.pub  := dhcp/lease/lease.h
lease.uses := wire
dhcpv4.dir := dhcp/v4
dhcpv4.pub := dhcp/v4/dhcp.h
dhcpv4.uses := wire lease
dhcpv6.dir := dhcp/v6
dhcpv6.pub := dhcp/v6/dhcp6.h
dhcpv6.uses := wire lease
dns.dir    := dhcp/dns
dns.pub    := dhcp/dns/dns.h
dns.uses   := wire
tftp.dir   := dhcp/tftp
tftp.pub   := dhcp/tftp/tftp.h
tftp.uses  := wire
ra.dir     := dhcp/ra
ra.pub     := dhcp/ra/ra.h
ra.uses    := wire
bridge.dir := bridge
bridge.pub := bridge/bridge.h
bridge.pkg := libnl-3.0 libnl-route-3.0
nat.dir    := nat
nat.pub    := nat/nat.h
nat.pkg    := libmnl libnftnl
base.dir   := netd/base
base.pub   := netd/base/base.h
base.pkg   := libcap-ng
def.dir    := netd/def
def.pub    := netd/def/netdef.h
def.uses   := base
def.pkg    := libxml-2.0
adapt.dir  := netd/adapt
adapt.pub  := netd/adapt/adapt.h
adapt.uses := base def wire lease dhcpv4 dhcpv6 dns ra nat bridge
ctl.dir    := netd/ctl
ctl.pub    := netd/ctl/ctl.h
ctl.uses   := base
serve.dir  := netd/serve
serve.pub  := netd/serve/serve.h
serve.uses := base def adapt ctl wire lease dhcpv4 dhcpv6 dns ra tftp nat bridge
host.dir   := netd/host
host.pub   := netd/host/host.h
host.uses  := base def adapt ctl serve wire lease dhcpv4 dhcpv6 dns ra nat bridge
host.pkg   := libsystemd
cli.dir    := netd/cli
cli.uses   := base def adapt ctl host serve wire lease dhcpv4 dhcpv6 dns ra nat bridge
nss.dir    := netd/nss
nss.pub    := netd/nss/nss-vnetd.h
nss.uses   := lease wire

# $(call module,NAME): its objects, include directory and archive.
define module
$(1).srcs := $$(wildcard $$($(1).dir)/*.c)
$(1).objs := $$($(1).srcs:%.c=$$(BUILD)/%.o)
$(1).inc  := $$(BUILD)/include/$(1)
$(1).lib  := $$(BUILD)/lib/lib$(1).a
$$($(1).objs): MODFLAGS := -I$$($(1).inc) \
	$$(if $$($(1).pkg),$$(shell pkg-config --cflags $$($(1).pkg) 2>/dev/null))
$$($(1).objs): $$($(1).inc)/.made
$$($(1).inc)/.made: Makefile
	@rm -rf $$($(1).inc)
	@mkdir -p $$(dir $$($(1).inc)/$$($(1).dir))
	@ln -s $$(CURDIR)/$$($(1).dir) $$($(1).inc)/$$($(1).dir)
	@set -e; for h in $$(foreach u,$$($(1).uses),$$($$(u).pub)); do \
	  mkdir -p $$($(1).inc)/$$$$(dirname $$$$h); ln -s $$(CURDIR)/$$$$h $$($(1).inc)/$$$$h; \
	done
	@touch $$@
$$($(1).lib): $$($(1).objs)
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module,$(m))))

# The qemu bridge helper (build/vnetd-bridge-helper): a module of its own, not
# one of the program's archives (it has its own main).
helper.dir  := netd/helper
helper.uses := base def adapt host serve wire lease dhcpv4 dhcpv6 dns ra nat bridge
$(eval $(call module,helper))
$(helper.objs): CFLAGS += -DVNETD_HELPER_CONFDIR='"$(SYSCONFDIR)/vnetd"'
$(BUILD)/netd/base/libexec.o: CFLAGS += -DVNETD_LIBEXECDIR='"$(PREFIX)/libexec/vnetd"'

# ---- small programs ----------------------------------------------------------
# The processes that live as long as a network and never read a guest's byte
# (the firewall keeper, the supervisor) are programs of their own, exec'd by
# vnetd: statically linked against musl, they cost tens of kB of memory where a
# fork of vnetd costs megabytes (its shared libraries' pages). Each is built
# from its folder and netd/small/ (what they share), against only the
# kernel's headers; not with SANITIZE=1's flags (musl has no sanitizer runtime),
# so their parsers are fuzzed with the normal compiler instead.
# $(call small_prog,NAME,FOLDER): build/vnetd-NAME from FOLDER/*.c.
MUSL_CC    ?= musl-gcc
SMALL_INC  := $(BUILD)/small-include
SMALL_CFLAGS := -std=gnu11 -Os -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-Wformat=2 -Wmissing-prototypes -fno-strict-aliasing -D_GNU_SOURCE \
	-DVNETD_VERSION='"$(VERSION)"' -I. -I$(SMALL_INC)
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
KERNEL_ASM := $(firstword $(wildcard /usr/include/$(MULTIARCH)/asm /usr/include/asm))
SMALL_PROGS :=

$(SMALL_INC)/.made: Makefile
	@rm -rf $(SMALL_INC) && mkdir -p $(SMALL_INC)
	@ln -s /usr/include/linux $(SMALL_INC)/linux
	@ln -s /usr/include/asm-generic $(SMALL_INC)/asm-generic
	@ln -s $(KERNEL_ASM) $(SMALL_INC)/asm
	@touch $@

define small_prog
SMALL_PROGS += $$(BUILD)/vnetd-$(1)
$$(BUILD)/vnetd-$(1): $$(wildcard $(2)/*.c $(2)/*.h netd/small/*.c netd/small/*.h) $$(SMALL_INC)/.made
	$$(MUSL_CC) $$(SMALL_CFLAGS) -static -o $$@ $$(wildcard $(2)/*.c netd/small/*.c)
endef
$(eval $(call small_prog,supervise,netd/supervisor))
$(eval $(call small_prog,keeper,netd/keeper))

MODULE_LIBS := $(foreach m,$(MODULES),$($(m).lib))
LINK_LIBS   := -Wl,--start-group $(MODULE_LIBS) -Wl,--end-group
LIB_SRCS    := $(foreach m,$(MODULES),$($(m).srcs))
CODE_SRCS   := $(filter-out netd/cli/main.c,$(LIB_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_RUNS ?= 20000

DEB_BUILD := gcc make pkg-config musl-tools linux-libc-dev libnl-3-dev libnl-route-3-dev libxml2-dev libcap-ng-dev \
             libmnl-dev libnftnl-dev libsystemd-dev
DEB_TEST  := $(DEB_BUILD) libcmocka-dev python3-pytest python3-scapy iproute2 nftables \
             clang libclang-rt-14-dev busybox udhcpc isc-dhcp-client dhcpcd5 bind9-dnsutils \
             tftp-hpa curl qemu-system-x86 ipxe-qemu
# what the tests call that a minimal Debian lacks: sysctl (procps), ping, and the
# util-linux/mount/passwd tools (nsenter, setpriv, mount, useradd) named so they stay
DEB_TEST  += procps iputils-ping util-linux mount passwd
# the private bus the resolved/firewalld tests run their fakes on (C and Python)
DEB_TEST  += dbus-daemon python3-dbus python3-gi
# rdisc6: router advertisements as a guest sees them (tests/system/test_ra.py)
DEB_TEST  += ndisc6

DEB_BENCH := $(DEB_TEST) kea-admin dnsmasq-base dnsperf
# Kea's DHCPv4 server beside vnetd and dnsmasq; gnuplot draws bench-results/dhcp.png
DEB_BENCH += kea-dhcp4-server gnuplot-nox

.PHONY: all check lint unit fuzz system bench soak demo run install uninstall deps deps-build \
	deps-bench users clean

all: $(BUILD)/vnetd $(BUILD)/libnss_vnetd.so.2 $(BUILD)/vnetd-bridge-helper $(SMALL_PROGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MODFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/vnetd: $(MODULE_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/netd/cli/main.o $(LINK_LIBS) $(LDLIBS)

# The NSS module (netd/nss/nss-vnetd.h): its own files and the lease-line
# parser it shares with the daemon, compiled again as position-independent
# code, linked with nothing but libc; only glibc's entry points are exported.
NSS_SRCS := $(nss.srcs) dhcp/lease/lease_file.c dhcp/lease/lease6.c dhcp/wire/hex.c
NSS_OBJS := $(NSS_SRCS:%.c=$(BUILD)/pic/%.o)
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
NSS_LIBDIR ?= $(if $(MULTIARCH),/usr/lib/$(MULTIARCH),/usr/lib)

# It loads into programs built without sanitizers (getent, every resolver),
# which an ASan runtime refuses to join: so it is built without them even
# with SANITIZE=1; its code runs under both in test_nss and fuzz_nss.
NSS_CFLAGS  := $(filter-out -fsanitize=%,$(CFLAGS))
NSS_LDFLAGS := $(filter-out -fsanitize=%,$(LDFLAGS))

$(BUILD)/pic/%.o: %.c $(nss.inc)/.made
	@mkdir -p $(dir $@)
	$(CC) $(NSS_CFLAGS) -fPIC -fvisibility=hidden -I$(nss.inc) -MMD -MP -c -o $@ $<

$(BUILD)/libnss_vnetd.so.2: $(NSS_OBJS) netd/nss/nss_vnetd.map
	$(CC) $(NSS_LDFLAGS) -shared -Wl,-soname,libnss_vnetd.so.2 -Wl,-z,defs \
	    -Wl,--version-script=netd/nss/nss_vnetd.map -o $@ $(NSS_OBJS)

# The test build: the same program with its test hooks compiled in
# (VNETD_FAULT, see netd/host/ops_default.c: the host's operations table
# behind injected failures, linked in place of the archive's default). Only
# the system tests run it; it is never installed, and build/vnetd has no
# such hook at all.
HOOK_OBJ := $(BUILD)/hooks/netd/host/ops_default.o

$(HOOK_OBJ): netd/host/ops_default.c $(host.inc)/.made
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(host.inc) -DVNETD_TEST_HOOKS -MMD -MP -c -o $@ $<

$(BUILD)/vnetd-bridge-helper: $(helper.objs) $(MODULE_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(helper.objs) $(LINK_LIBS) $(LDLIBS)

$(BUILD)/vnetd-test: $(HOOK_OBJ) $(MODULE_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/netd/cli/main.o $(HOOK_OBJ) $(LINK_LIBS) $(LDLIBS)

# Tests and fuzz targets may look inside every module.
TEST_CFLAGS := -I. $(PKG_CFLAGS)

$(BUILD)/tests/%: tests/unit/%.c $(MODULE_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) -MMD -MP \
	    -DCORPUS_DIR='"$(CURDIR)/../shared/corpus/libvirt-network-xml"' \
	    -DTESTDATA_DIR='"$(CURDIR)/tests/unit/data"' \
	    $(LDFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS) -lcmocka

# Dependencies first, so `make check` works on a fresh host with nothing installed.
check: deps
	$(MAKE) lint unit fuzz system

# The shape the code keeps: file and function sizes, no file-scope state.
lint:
	$(PYTHON) tests/lint/structure.py

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# libFuzzer targets, built with clang; a bounded number of runs each. The
# project's sources are compiled once for fuzzing, then linked into each target.
FUZZ_CC     := clang
FUZZ_FLAGS  := -std=gnu11 -g -O1 -D_GNU_SOURCE -I. $(PKG_CFLAGS) -fsanitize=address,undefined
FUZZ_OBJS   := $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(CODE_SRCS))
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

FUZZ_LIB    := $(BUILD)/fuzz/libfuzzcode.a

$(FUZZ_LIB): $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LDLIBS)

# the keeper's reader is compiled into its target (it is musl's program's, not a module's)
$(BUILD)/fuzz/fuzz_keeper_nl: $(wildcard netd/keeper/*.c netd/keeper/*.h netd/small/*.c netd/small/*.h)
$(BUILD)/fuzz/fuzz_supervisor: $(wildcard netd/supervisor/*.c netd/supervisor/*.h netd/small/*.c netd/small/*.h)

fuzz: $(FUZZ_BINS)
	@set -e; for b in $(FUZZ_BINS); do \
	  n=$$(basename $$b); mkdir -p $$b.corpus; \
	  echo "== fuzz $$n ($(FUZZ_RUNS) runs)"; \
	  $$b -runs=$(FUZZ_RUNS) -max_len=4096 -artifact_prefix=$$b- \
	    $$b.corpus tests/fuzz/$$n.seeds > $$b.log 2>&1 || { tail -n 40 $$b.log; exit 1; }; \
	  tail -n 1 $$b.log; \
	done

system: $(BUILD)/vnetd $(BUILD)/vnetd-test $(BUILD)/libnss_vnetd.so.2 \
	    $(BUILD)/vnetd-bridge-helper $(SMALL_PROGS) users
	VNETD=$(CURDIR)/$(BUILD)/vnetd VNETD_TEST=$(CURDIR)/$(BUILD)/vnetd-test \
	    VNETD_BRIDGE_HELPER=$(CURDIR)/$(BUILD)/vnetd-bridge-helper \
	    $(PYTHON) -m pytest -q tests/system

# Dependencies are installed first, then a sub-make builds: pkg-config flags are
# read when make starts, so they must come from a make that starts afterwards.
bench: deps-bench
	$(MAKE) $(BUILD)/vnetd $(SMALL_PROGS)
	VNETD=$(CURDIR)/$(BUILD)/vnetd $(PYTHON) tests/bench/bench.py $(BENCH_ARGS)

# A soak, not part of `make check`: perfdhcp, dnsperf and a probe client
# against one network for SOAK_SECONDS (default 480), then checks for crashes,
# fd and RSS growth and ACKed leases missing from disk. Bounded to 10 minutes
# (the script unwinds and cleans up on the timeout's SIGTERM).
SOAK_SECONDS ?= 480

soak: deps-bench
	$(MAKE) $(BUILD)/vnetd $(SMALL_PROGS)
	VNETD=$(CURDIR)/$(BUILD)/vnetd SOAK_SECONDS=$(SOAK_SECONDS) \
	    timeout -k 15 585 $(PYTHON) tests/bench/soak.py

demo: deps users
	$(MAKE) $(BUILD)/vnetd $(SMALL_PROGS)
	VNETD=$(CURDIR)/$(BUILD)/vnetd sh tests/demo.sh

run: deps-build
	$(MAKE) all install
	$(DESTDIR)$(PREFIX)/sbin/vnetd start default

install: $(BUILD)/vnetd $(BUILD)/libnss_vnetd.so.2 $(BUILD)/vnetd-bridge-helper $(SMALL_PROGS)
	install -D -m 0755 $(BUILD)/vnetd $(DESTDIR)$(PREFIX)/sbin/vnetd
	@# setuid root as qemu-bridge-helper is, so an unprivileged qemu can use it;
	@# only the group kvm may run it where that group exists
	install -D -m 4755 $(BUILD)/vnetd-bridge-helper \
	    $(DESTDIR)$(PREFIX)/libexec/vnetd-bridge-helper
	@if getent group kvm >/dev/null; then \
	  chgrp kvm $(DESTDIR)$(PREFIX)/libexec/vnetd-bridge-helper && \
	  chmod 4750 $(DESTDIR)$(PREFIX)/libexec/vnetd-bridge-helper; fi
	@# the small programs vnetd execs (vnetd-keeper, ...), where libexec_find() looks
	for p in $(SMALL_PROGS); do \
	  install -D -m 0755 $$p $(DESTDIR)$(PREFIX)/libexec/vnetd/$$(basename $$p); done
	install -D -m 0644 man/vnetd.8 $(DESTDIR)$(PREFIX)/share/man/man8/vnetd.8
	install -D -m 0644 $(BUILD)/libnss_vnetd.so.2 $(DESTDIR)$(NSS_LIBDIR)/libnss_vnetd.so.2
	install -D -m 0644 man/vnetd-network.5 $(DESTDIR)$(PREFIX)/share/man/man5/vnetd-network.5
	install -D -m 0644 conf/vnetd.bash-completion \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vnetd
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/vnetd/networks/default.xml ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/vnetd/networks/default.xml"; \
	else \
	  install -D -m 0644 conf/default.xml $(DESTDIR)$(SYSCONFDIR)/vnetd/networks/default.xml; \
	fi
	install -D -m 0644 conf/vnetd.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/vnetd.conf
	install -D -m 0644 conf/vnetd.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/vnetd.conf
	install -D -m 0644 conf/firewalld/vnetd.xml $(DESTDIR)$(FIREWALLD_ZONEDIR)/vnetd.xml
	@# the service accounts, when installing onto this very system
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory users; fi
	@mkdir -p $(DESTDIR)$(PREFIX)/lib/systemd/system
	for u in vnetd@.service vnetd-autostart.service; do \
	  sed 's|@SBINDIR@|$(PREFIX)/sbin|g' conf/$$u > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/vnetd $(DESTDIR)$(PREFIX)/share/man/man8/vnetd.8 \
	    $(DESTDIR)$(PREFIX)/libexec/vnetd-bridge-helper \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d/vnetd.conf $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/vnetd.conf \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/vnetd@.service \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/vnetd-autostart.service \
	    $(DESTDIR)$(PREFIX)/share/man/man5/vnetd-network.5 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vnetd \
	    $(DESTDIR)$(NSS_LIBDIR)/libnss_vnetd.so.2 \
	    $(DESTDIR)$(FIREWALLD_ZONEDIR)/vnetd.xml
	rm -f $(foreach p,$(SMALL_PROGS),$(DESTDIR)$(PREFIX)/libexec/vnetd/$(notdir $(p)))
	-rmdir $(DESTDIR)$(PREFIX)/libexec/vnetd 2>/dev/null

# The daemons' two accounts (conf/vnetd.sysusers says the same for systemd-sysusers):
# vnetd for the serving daemons, vnetd-keeper for the firewall keepers.
users:
	@for u in vnetd vnetd-keeper; do \
	  getent passwd $$u >/dev/null && continue; \
	  useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin $$u && echo "created system user $$u"; \
	done

# Install only what is missing, so repeated runs cost nothing and need no network.
deps:
	@sh conf/install-deps.sh $(DEB_TEST)

deps-bench:
	@sh conf/install-deps.sh $(DEB_BENCH)

deps-build:
	@sh conf/install-deps.sh $(DEB_BUILD)

clean:
	rm -rf build build-san

.SECONDARY: $(FUZZ_OBJS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
