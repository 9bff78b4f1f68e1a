#!/usr/bin/env bash
# Installs the system packages MLCore builds against (Debian/Ubuntu). Idempotent: when everything is
# present it only checks and returns in well under a second. Uses sudo only when not root.
set -euo pipefail

packages=(
  libopenblas-dev      # BLAS path (cblas_sgemm / cblas_dgemm)
  liblapacke-dev       # LAPACKE solves (Newton solver of logistic regression)
  libprotobuf-c-dev    # ONNX reader
  protobuf-c-compiler  # regenerates the ONNX reader's C code
  libhdf5-dev          # HDF5 datasets
  pkg-config           # SwiftPM finds the libraries above through their .pc files
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
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
