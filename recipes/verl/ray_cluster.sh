#!/usr/bin/env bash
# A Ray cluster for multi-node verl runs (written for GPU nodes; not run in CI).
#   head:    bash recipes/verl/ray_cluster.sh head
#   workers: HEAD=<head-ip> bash recipes/verl/ray_cluster.sh worker     (on every other node)
#   then, on the head: NNODES=2 bash recipes/verl/grpo_synrl.sh
# Every node needs the same environment (pip install "synrl[verl]" vllm), the model and the
# data at the same paths (a shared filesystem): the parquet's video paths are absolute.
set -euo pipefail
PORT=${PORT:-6379}
GPUS=${GPUS:-8}
export FORCE_QWENVL_VIDEO_READER=decord
case ${1:-} in
    head)   ray start --head --port="$PORT" --num-gpus="$GPUS" --dashboard-host=0.0.0.0 ;;
    worker) ray start --address="${HEAD:?set HEAD to the head node address}:$PORT" --num-gpus="$GPUS" ;;
    *)      echo "usage: $0 head | worker" >&2; exit 2 ;;
esac
