"""synrl: synthetic videos and verifiable rewards for temporal reasoning in video VLMs."""

__version__ = "0.1.0"
