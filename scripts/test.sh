#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a developer's laptop.
# Installs what the tests need (as root, through apt-get) when it is missing,
# then runs formatting, lints, documentation and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need_packages=()
command -v pkg-config >/dev/null 2>&1 || need_packages+=(pkg-config)
# josekit links OpenSSL.
pkg-config --exists openssl 2>/dev/null || need_packages+=(libssl-dev)
# The multi-instance tests run their own Redis servers.
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)
# ...and their own PostgreSQL servers (tests/src/harness/postgres_server.rs).
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need_packages+=(postgresql)
# The browser journeys drive Debian's Chromium through ChromeDriver.
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_packages+=(chromium-driver)
if [ ${#need_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing ${need_packages[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"
    else
        echo "missing packages: ${need_packages[*]} (install them, or run as root on Debian)" >&2
        exit 1
    fi
fi

# The tests that start Redis, PostgreSQL or Chromium run only with
# FC_TEST_SERVICES=1 (tests/src/harness/mod.rs): a bare `cargo test` skips
# them, each with a `skipped: needs …` line. Here, with the services
# installed above, every one runs, and a missing program fails its tests.
export FC_TEST_SERVICES=1

echo "==> cargo fmt"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The engine's benchmarks and fuzzing entry points (feature `__private`),
# and the engine without its tower side, as franceconnect-actix uses it.
cargo clippy -p franceconnect-tower --all-targets --features __private --locked -- -D warnings
cargo clippy -p franceconnect-tower --lib --no-default-features --locked -- -D warnings
# The mock as a library, as users' tests take it (without its binary's `cli`).
cargo clippy -p franceconnect-mock --all-targets --no-default-features --locked -- -D warnings
echo "==> tests"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast --lib --bins --tests
fi
echo "==> doc tests and docs"
cargo test --workspace --locked --doc
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
echo "==> all good"
