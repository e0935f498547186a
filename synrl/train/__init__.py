"""Training: SFT on CoT data, then GRPO / T-GRPO on generated videos (TRL, CPU-testable).

Modules: :mod:`~synrl.train.config` (typed configs), :mod:`~synrl.train.data` (frames and
the SFT collator), :mod:`~synrl.train.models` (loading), :mod:`~synrl.train.sft`,
:mod:`~synrl.train.grpo` (video GRPO trainer with the T-GRPO option),
:mod:`~synrl.train.tiny` (tiny models for tests), :mod:`~synrl.cli.train`.
Imports of torch / transformers / trl happen inside functions, so ``import synrl.train``
works without the ``train`` extra.
"""
