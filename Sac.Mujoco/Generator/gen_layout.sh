#!/bin/sh
# Regenerates Sac.Mujoco/Native/MujocoLayout.g.cs from the installed MuJoCo headers (libmujoco-dev).
#   Sac.Mujoco/Generator/gen_layout.sh [output]     default output: Sac.Mujoco/Native/MujocoLayout.g.cs
# MUJOCO_INCLUDE overrides the directory holding mujoco/mujoco.h (default /usr/include).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
output=${1:-"$here/../Native/MujocoLayout.g.cs"}
include=${MUJOCO_INCLUDE:-/usr/include}

if [ ! -f "$include/mujoco/mujoco.h" ]; then
    echo "gen_layout.sh: $include/mujoco/mujoco.h not found; install the headers: apt-get install -y libmujoco-dev" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${CC:-gcc} -std=c11 -Wall -Wextra -Werror -I"$include" "$here/gen_layout.c" -o "$work/gen_layout"
"$work/gen_layout" > "$work/MujocoLayout.g.cs"
mv "$work/MujocoLayout.g.cs" "$output"
