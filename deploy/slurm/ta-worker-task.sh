#!/usr/bin/env bash
# One worker of ta-workers.sbatch, started by srun on the GPU it was given: serves the model, writes its address
# once it listens, and stops the worker cleanly when the step is signalled.  Usage: INDEX PORT RUN_DIR
set -euo pipefail
index=$1 port=$2 run_dir=$3
exec >>"$run_dir/worker-$index.log" 2>&1
host=${TA_ADVERTISE_HOST:-$(hostname)}
port_file=$run_dir/worker-$index.port
args=(--model "$TA_MODEL" --device "${TA_DEVICE:-cuda}" --host "${TA_BIND_HOST:-$host}" --port "$port"
      --port-file "$port_file")
if [[ -n ${TA_TLS_CERT:-} ]]; then args+=(--tls-cert "$TA_TLS_CERT" --tls-key "${TA_TLS_KEY:?TA_TLS_CERT needs TA_TLS_KEY}"); fi
if [[ -n ${TA_TLS_CLIENT_CA:-} ]]; then args+=(--tls-client-ca "$TA_TLS_CLIENT_CA"); fi
if [[ -n ${TA_TOKEN_FILE:-} ]]; then args+=(--token-file "$TA_TOKEN_FILE"); fi
if [[ ${TA_INSECURE:-0} == 1 ]]; then args+=(--insecure); fi
read -r -a extra <<<"${TA_WORKER_ARGS:-}"
args+=("${extra[@]}")

echo "worker $index: $host:$port, CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-unset}, step ${SLURM_STEP_ID:-?}"
"$TA_PYTHON" -m thought_anchors_worker serve "${args[@]}" &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker"; exit' TERM INT HUP
until [[ -s $port_file ]]; do
    kill -0 "$worker" 2>/dev/null || { wait "$worker"; exit; }
    sleep 0.5
done
echo "$host:$port" > "$run_dir/worker-$index.addr.tmp"
mv "$run_dir/worker-$index.addr.tmp" "$run_dir/worker-$index.addr"
wait "$worker"
