#!/usr/bin/env bash
# Installs, from Debian 12 packages, everything connsim needs to build, test and plot.
# Idempotent: when every package is already installed it does nothing.
set -euo pipefail

packages=(
  cmake ninja-build clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-test1.81-dev
  libns3-dev ns3 libgsl-dev
  nlohmann-json3-dev libcli11-dev libbenchmark-dev librapidcheck-dev
  gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
