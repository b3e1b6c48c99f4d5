#!/bin/bash
# Stops the queue: no worker takes another line, and each running cell gets one SIGTERM (it checkpoints and exits).
cd "$(dirname "$0")"; touch STOP
for p in $(pgrep -f 'sac.dll sweep .* run-cell'); do kill -TERM "$p"; done
while pgrep -f 'sac.dll sweep .* run-cell' >/dev/null; do sleep 2; done; echo stopped
