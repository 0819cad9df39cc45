#!/usr/bin/env bash
# Installs the Debian packages LandmarkAR builds against (OpenCV 4, Eigen 3, SQLite 3,
# meshoptimizer),
# if they are missing. Needs root (or sudo) on a fresh Debian/Ubuntu machine.
set -euo pipefail
if pkg-config --exists opencv4 eigen3 sqlite3 2>/dev/null && [ -f /usr/include/meshoptimizer.h ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libopencv-dev libeigen3-dev libsqlite3-dev libmeshoptimizer-dev pkg-config
