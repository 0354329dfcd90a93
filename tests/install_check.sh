#!/usr/bin/env bash
# `cmake --install` lays out what an operator runs: the binary, the configuration with its
# taxonomy beside it, and a systemd unit that names them. Installs the build tree given as $1
# into a temporary prefix, checks the layout, reads the installed configuration through the
# installed binary, and, where systemd-analyze is present, verifies the unit.
#
#   tests/install_check.sh build/release
set -euo pipefail

build=$(cd "$1" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null

fail() {
  echo "install_check: $*" >&2
  exit 1
}
for f in bin/subexd etc/subex/subex.toml etc/subex/processes.toml lib/systemd/system/subex.service; do
  [[ -f "$prefix/$f" ]] || fail "$f is not installed"
done
[[ -x "$prefix/bin/subexd" ]] || fail "bin/subexd is not executable"

unit="$prefix/lib/systemd/system/subex.service"
grep -q "^ExecStart=$prefix/bin/subexd --config $prefix/etc/subex/subex.toml --data-dir /var/lib/subex\$" "$unit" ||
  fail "the unit does not start the installed binary with the installed config: $(grep ExecStart "$unit")"
grep -q "^EnvironmentFile=-$prefix/etc/subex/subex.env\$" "$unit" || fail "the unit's EnvironmentFile"
for hardening in DynamicUser=yes ProtectSystem=strict ReadWritePaths=/var/lib/subex StateDirectory=subex \
  NoNewPrivileges=yes CapabilityBoundingSet= KillSignal=SIGTERM; do
  grep -q "^$hardening\$" "$unit" || fail "the unit lacks $hardening"
done

# The installed binary reads the installed configuration and finds the taxonomy beside it.
out=$(cd / && "$prefix/bin/subexd" --config "$prefix/etc/subex/subex.toml" --demo-report --quiet)
grep -q "taxonomy $prefix/etc/subex/processes.toml" <<<"$out" ||
  fail "the installed config does not find the installed taxonomy: $out"

# Without a configuration file, from a directory that has none, the installed binary runs on its
# built-in defaults and taxonomy and says so. The address is one this machine does not have, so
# it stops right after reading its configuration.
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
out=$(cd "$work" && env -u SUBEX_CONFIG SUBEX_ADMIN_KEY=sx_install_check \
  "$prefix/bin/subexd" --listen 203.0.113.1:1 --data-dir "$work/data" 2>&1) || true
grep -q '"msg":"no configuration file: running on the built-in defaults"' <<<"$out" ||
  fail "without a configuration file the installed binary does not run on its defaults: $out"
grep -q '"taxonomy":"(built in)"' <<<"$out" || fail "the built-in taxonomy is not used: $out"
out=$(cd "$work" && env -u SUBEX_CONFIG "$prefix/bin/subexd" --demo-report --quiet 2>&1) ||
  fail "the demo report without a configuration file: $out"
grep -q "config (built-in defaults), taxonomy (built in)" <<<"$out" ||
  fail "the demo report does not run on the built-in defaults: $out"

if command -v systemd-analyze >/dev/null 2>&1; then
  # Misspelt directives, bad values and a missing ExecStart binary are all reported here.
  verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
  [[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
fi
echo "install_check: the install layout is complete"
