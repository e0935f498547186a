"""The file verl loads by path: synrl's dataset class and T-GRPO advantage estimators.

verl config (see recipes/verl/ and docs/verl.md)::

    data.custom_cls.path=$(python -c "import synrl.verl.plugin as m; print(m.__file__)")
    data.custom_cls.name=SynrlVideoDataset

Loading the file (verl does it in its driver, where advantages are computed) also registers
the advantage estimators ``synrl_tgrpo_paper`` and ``synrl_tgrpo_code`` (Video-R1's rule as the
paper writes it / as its trainer runs it; :mod:`synrl.verl.tgrpo`). The implementations live in
importable modules (:mod:`synrl.verl.dataset`, :mod:`synrl.verl.estimators`) so that they
pickle by reference.
"""

from synrl.verl.dataset import SynrlVideoDataset, shuffle_videos
from synrl.verl.estimators import tgrpo_advantage

__all__ = ["SynrlVideoDataset", "shuffle_videos", "tgrpo_advantage"]
