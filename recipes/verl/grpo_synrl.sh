#!/usr/bin/env bash
# SynRL GRPO on verl 0.9.1: Qwen2.5-VL-7B, FSDP, vLLM (or SGLang) rollout. Every value's source
# is in recipes/verl/README.md (table) and docs/training.md. Written for GPUs; not run in CI.
#
#   bash recipes/verl/grpo_synrl.sh                       # round 1 on one 8-GPU node
#   ROUND=2 MODEL=runs/verl-grpo-round1/hf bash recipes/verl/grpo_synrl.sh   # round 2
#   NNODES=2 bash recipes/verl/grpo_synrl.sh              # on a running Ray cluster (ray_cluster.sh)
#   ALGO=tgrpo_code bash recipes/verl/grpo_synrl.sh       # T-GRPO (needs the verl change in docs/verl.md)
#   extra Hydra overrides go after the script's arguments: bash grpo_synrl.sh trainer.total_epochs=2
set -euo pipefail

ROUND=${ROUND:-1}
MODEL=${MODEL:-runs/sft-qwen2.5-vl-7b}          # [paper] RL starts from the cold-start SFT model
DATA=${DATA:-data/verl}                          # train.parquet, val.parquet from `synrl export verl`
NNODES=${NNODES:-1}
GPUS=${GPUS:-8}                                  # [paper] 8 H100s
ROLLOUT=${ROLLOUT:-vllm}                         # vllm | sglang
ALGO=${ALGO:-grpo}                               # grpo | tgrpo_code | tgrpo_paper
OUT=${OUT:-runs/verl-grpo-round${ROUND}}

PLUGIN=$(python -c "import synrl.verl.plugin as m; print(m.__file__)")
REWARD=$(python -c "import synrl.rewards.verl as m; print(m.__file__)")
export FORCE_QWENVL_VIDEO_READER=${FORCE_QWENVL_VIDEO_READER:-decord}

ESTIMATOR=grpo
SHUFFLE=True
if [[ $ALGO == tgrpo_* ]]; then
    ESTIMATOR=synrl_${ALGO}    # registered when verl loads the plugin file (data.custom_cls)
    SHUFFLE=False              # the exported ordered/shuffled pairs must stay together
fi

# Round 2 [paper]: doubled duration; [ours] the frame budget doubles with it (export with
# --nframes 32), so prompts are longer.
MAX_PROMPT=$(( ROUND == 2 ? 8192 : 4096 ))

python -m verl.trainer.main_ppo \
    algorithm.adv_estimator=$ESTIMATOR \
    algorithm.use_kl_in_reward=False \
    algorithm.norm_adv_by_std_in_grpo=True \
    data.train_files=$DATA/train.parquet \
    data.val_files=$DATA/val.parquet \
    data.train_batch_size=512 \
    data.max_prompt_length=$MAX_PROMPT \
    data.max_response_length=768 \
    data.filter_overlong_prompts=True \
    data.truncation=error \
    data.shuffle=$SHUFFLE \
    data.video_key=videos \
    data.custom_cls.path=$PLUGIN \
    data.custom_cls.name=SynrlVideoDataset \
    actor_rollout_ref.model.path=$MODEL \
    actor_rollout_ref.model.use_remove_padding=True \
    actor_rollout_ref.model.enable_gradient_checkpointing=True \
    actor_rollout_ref.actor.optim.lr=1e-6 \
    actor_rollout_ref.actor.optim.weight_decay=0.01 \
    actor_rollout_ref.actor.ppo_mini_batch_size=256 \
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4 \
    actor_rollout_ref.actor.ppo_epochs=1 \
    actor_rollout_ref.actor.clip_ratio=0.2 \
    actor_rollout_ref.actor.grad_clip=1.0 \
    actor_rollout_ref.actor.loss_agg_mode=token-mean \
    actor_rollout_ref.actor.use_kl_loss=False \
    actor_rollout_ref.actor.entropy_coeff=0 \
    actor_rollout_ref.actor.strategy=fsdp \
    actor_rollout_ref.actor.fsdp_config.param_offload=False \
    actor_rollout_ref.actor.fsdp_config.optimizer_offload=False \
    actor_rollout_ref.rollout.name=$ROLLOUT \
    actor_rollout_ref.rollout.n=8 \
    actor_rollout_ref.rollout.temperature=1.0 \
    actor_rollout_ref.rollout.top_p=1.0 \
    actor_rollout_ref.rollout.tensor_model_parallel_size=1 \
    actor_rollout_ref.rollout.gpu_memory_utilization=0.6 \
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=8 \
    actor_rollout_ref.rollout.enable_chunked_prefill=False \
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=8 \
    reward.custom_reward_function.path=$REWARD \
    reward.custom_reward_function.name=compute_score \
    +reward.custom_reward_function.reward_kwargs.weights.accuracy=1.0 \
    trainer.project_name=synrl \
    trainer.experiment_name=grpo-qwen2.5-vl-7b-round$ROUND-$ALGO \
    trainer.logger='[console,tensorboard]' \
    trainer.default_local_dir=$OUT \
    trainer.nnodes=$NNODES \
    trainer.n_gpus_per_node=$GPUS \
    trainer.total_epochs=1 \
    trainer.save_freq=50 \
    trainer.test_freq=25 \
    trainer.val_before_train=True \
    "$@"
