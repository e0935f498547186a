"""synrl on verl: the T-GRPO pieces (:mod:`synrl.verl.tgrpo`, verl-free) and the plugin file verl
loads by path (:mod:`synrl.verl.plugin`: dataset class, advantage estimators). See docs/verl.md."""
