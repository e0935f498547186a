"""Exporting synrl datasets for trainers: the SFT mixture (TRL conversational, Video-R1 JSON)."""

from synrl.export.sft import SFTConfig, SFTError, SFTResult, build_sft, general_count, load_general_qa

__all__ = ["SFTConfig", "SFTError", "SFTResult", "build_sft", "general_count", "load_general_qa"]
